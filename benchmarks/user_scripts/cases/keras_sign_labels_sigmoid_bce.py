"""Keras: a user generates binary labels with np.sign (values -1/+1) and trains a sigmoid output with binary_crossentropy, which expects 0/1 targets, so the loss goes negative and accuracy is meaningless."""
import numpy as np
from tensorflow import keras

keras.utils.set_random_seed(5)
rng = np.random.default_rng(5)

n = 1500
X = rng.uniform(-1.0, 1.0, size=(n, 6)).astype("float32")
y = np.sign(X[:, 0] ** 2 + X[:, 1] ** 2 - 0.6 + 0.2 * X[:, 2]).astype("float32")

split = 1200
X_train, y_train = X[:split], y[:split]
X_test, y_test = X[split:], y[split:]

model = keras.models.Sequential([
    keras.layers.Input(shape=(6,)),
    keras.layers.Dense(32, activation="relu"),
    keras.layers.Dense(32, activation="relu"),
    keras.layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(X_train, y_train, epochs=40, batch_size=32, validation_split=0.1, verbose=0)

test_loss, test_acc = model.evaluate(X_test, y_test, verbose=0)
print(f"Test loss: {test_loss:.4f}")
print(f"Test accuracy: {test_acc:.4f}")
