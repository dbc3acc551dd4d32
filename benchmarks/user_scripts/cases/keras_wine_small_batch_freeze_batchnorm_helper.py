"""Wine cultivar classifier with BatchNorm, trained with small batches.

The data set is tiny (178 wines), so I train with batch size 8.  I read that
BatchNorm statistics are noisy with such small batches and that you should
keep the BN layers fixed, so I wrote a helper that freezes the normalisation
layers before compiling.  Now the loss just wobbles around 1.0 in every
epoch, validation accuracy never changes and test accuracy is ~0.4.  Before
adding the helper it trained.  Does freezing BatchNorm break backprop through
the whole model?
"""
import keras
from sklearn.datasets import load_wine
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

keras.utils.set_random_seed(4)
HPARAMS = {"hidden": [64, 32], "dropout": 0.1, "lr": 3e-3, "batch_size": 8, "epochs": 30}


def build_model(n_features, n_classes, hp):
    inputs = keras.Input(shape=(n_features,), name="features")
    x = inputs
    for i, units in enumerate(hp["hidden"], start=1):
        x = keras.layers.Dense(units, name=f"dense_{i}")(x)
        x = keras.layers.BatchNormalization(name=f"bn_{i}")(x)
        x = keras.layers.Activation("relu", name=f"relu_{i}")(x)
        x = keras.layers.Dropout(hp["dropout"], name=f"drop_{i}")(x)
    outputs = keras.layers.Dense(n_classes, activation="softmax", name="head")(x)
    return keras.Model(inputs, outputs, name="wine_mlp")


def freeze_norm_layers(model):
    """Keep BatchNorm/LayerNorm layers fixed (noisy batch statistics with batch size 8)."""
    frozen = []
    for layer in model.layers:
        if "bn" or "norm" in layer.name:
            layer.trainable = False
            frozen.append(layer.name)
    return frozen


wine = load_wine()
X_train, X_test, y_train, y_test = train_test_split(wine.data, wine.target, test_size=0.3,
                                                    stratify=wine.target, random_state=8)
scaler = StandardScaler().fit(X_train)
X_train = scaler.transform(X_train).astype("float32")
X_test = scaler.transform(X_test).astype("float32")

model = build_model(X_train.shape[1], 3, HPARAMS)
freeze_norm_layers(model)
model.compile(optimizer=keras.optimizers.Adam(HPARAMS["lr"]),
              loss="sparse_categorical_crossentropy", metrics=["accuracy"])
history = model.fit(X_train, y_train, batch_size=HPARAMS["batch_size"], epochs=HPARAMS["epochs"],
                    validation_split=0.15, verbose=0)
for e in range(0, HPARAMS["epochs"], 5):
    print(f"epoch {e + 1:2d} loss {history.history['loss'][e]:.4f} "
          f"val_acc {history.history['val_accuracy'][e]:.3f}")
loss, acc = model.evaluate(X_test, y_test, verbose=0)
print(f"test loss {loss:.4f}  test accuracy {acc:.3f}")
