"""Keras: a small MLP with early stopping on heavily overlapping two-moons data (noise=0.4), where the classes truly overlap and about 85% is the best any classifier can reach (healthy)."""
import keras
from keras import layers
from sklearn.datasets import make_moons
from sklearn.model_selection import train_test_split

keras.utils.set_random_seed(12)

X, y = make_moons(n_samples=1200, noise=0.4, random_state=12)
X = X.astype("float32")
x_train, x_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=12, stratify=y)

model = keras.Sequential([
    keras.Input(shape=(2,)),
    layers.Dense(32, activation="relu"),
    layers.Dense(32, activation="relu"),
    layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer=keras.optimizers.Adam(1e-2), loss="binary_crossentropy", metrics=["accuracy"])

early_stop = keras.callbacks.EarlyStopping(monitor="val_loss", patience=15, restore_best_weights=True)
history = model.fit(x_train, y_train, epochs=200, batch_size=32, validation_split=0.2,
                    callbacks=[early_stop], verbose=0)
print("stopped after", len(history.history["loss"]), "epochs; train accuracy:",
      round(history.history["accuracy"][-1], 3), "val accuracy:", round(history.history["val_accuracy"][-1], 3))

pred = (model.predict(x_test, verbose=0).ravel() > 0.5).astype(int)
print("test accuracy:", round(float((pred == y_test).mean()), 3))
