"""Keras: a breast-cancer CSV export marks missing measurements with '?', np.genfromtxt silently turns them into NaN, and the user standardizes and trains on the array without checking for NaNs."""
import os
import tempfile

import numpy as np
import keras
from keras import layers
from sklearn.datasets import load_breast_cancer

keras.utils.set_random_seed(11)

# --- the lab's export (written here so the example is self-contained) ---
data = load_breast_cancer()
rng = np.random.default_rng(11)
csv_path = os.path.join(tempfile.mkdtemp(), "patients.csv")
with open(csv_path, "w") as f:
    f.write(",".join(list(data.feature_names) + ["diagnosis"]) + "\n")
    for row, label in zip(data.data, data.target):
        cells = [f"{v:.6g}" for v in row]
        if rng.random() < 0.03:
            cells[rng.integers(len(cells))] = "?"
        f.write(",".join(cells + [str(label)]) + "\n")

# --- training script ---
raw = np.genfromtxt(csv_path, delimiter=",", skip_header=1)
X, y = raw[:, :-1], raw[:, -1].astype(int)

idx = rng.permutation(len(X))
split = int(0.8 * len(X))
train_idx, test_idx = idx[:split], idx[split:]

mean = X[train_idx].mean(axis=0)
std = X[train_idx].std(axis=0)
X = ((X - mean) / std).astype("float32")
x_train, y_train = X[train_idx], y[train_idx]
x_test, y_test = X[test_idx], y[test_idx]

model = keras.Sequential([
    keras.Input(shape=(X.shape[1],)),
    layers.Dense(32, activation="relu"),
    layers.Dense(16, activation="relu"),
    layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
history = model.fit(x_train, y_train, epochs=30, batch_size=32, validation_split=0.1, verbose=0)
print("final training loss:", history.history["loss"][-1])

pred = (model.predict(x_test, verbose=0).ravel() > 0.5).astype(int)
print("predicted class counts:", np.bincount(pred, minlength=2))
print("test accuracy:", round(float((pred == y_test).mean()), 3))
