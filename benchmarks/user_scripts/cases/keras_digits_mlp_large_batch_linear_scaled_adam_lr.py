"""Digits MLP: moving from batch size 32 to 512 to speed up training.

The learning rate 1e-3 was tuned for batch size 32.  Since I now train with
bigger batches I scale the learning rate with the batch size ("linear scaling
rule"), so that the model still makes the same progress per epoch.  Instead,
the first epoch shows a loss in the hundreds, then it sits around 2.0-2.5 and
the test accuracy is ~18%.  With batch size 32 I used to get ~97%.  Do
bigger batches just not work for this data?
"""
import keras
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

CONFIG = {
    "base_lr": 1e-3,        # tuned with ref_batch_size
    "ref_batch_size": 32,
    "batch_size": 512,
    "epochs": 40,
    "hidden": (128, 64),
    "seed": 0,
}


def scaled_lr(cfg):
    # linear scaling rule (Goyal et al. 2017): lr proportional to the batch size
    return cfg["base_lr"] * cfg["batch_size"]


def build_mlp(hidden, n_classes=10):
    inputs = keras.Input(shape=(64,))
    x = inputs
    for units in hidden:
        x = keras.layers.Dense(units, activation="relu")(x)
    outputs = keras.layers.Dense(n_classes, activation="softmax")(x)
    return keras.Model(inputs, outputs)


class EpochPrinter(keras.callbacks.Callback):
    def __init__(self, every=5):
        super().__init__()
        self.every = every

    def on_epoch_end(self, epoch, logs=None):
        if epoch == 0 or (epoch + 1) % self.every == 0:
            print(f"epoch {epoch + 1:2d} loss {logs['loss']:.4f} "
                  f"acc {logs['accuracy']:.3f} val_acc {logs['val_accuracy']:.3f}")


keras.utils.set_random_seed(CONFIG["seed"])
digits = load_digits()
X = (digits.data / 16.0).astype("float32")
y = digits.target
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, stratify=y,
                                                    random_state=42)

lr = scaled_lr(CONFIG)
print(f"batch_size={CONFIG['batch_size']} lr={lr:g}")
model = build_mlp(CONFIG["hidden"])
model.compile(optimizer=keras.optimizers.Adam(learning_rate=lr),
              loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(X_train, y_train, batch_size=CONFIG["batch_size"], epochs=CONFIG["epochs"],
          validation_split=0.1, verbose=0, callbacks=[EpochPrinter()])
test_loss, test_acc = model.evaluate(X_test, y_test, verbose=0)
print(f"test loss {test_loss:.4f}  test accuracy {test_acc:.3f}")
