"""Predicting machine faults from sensor snapshots (Keras, binary).

Each row is one snapshot of 12 sensor channels with the time it was taken.
To avoid leaking the future into the past I order the snapshots by time
and train on the first 80%, test on the last 20%. The loss creeps down
slowly and training accuracy crawls up to ~75%, but validation and test
accuracy stay at a coin flip. A colleague's quick random forest on the
same export supposedly worked fine -- is my network too small? I tried
3 hidden layers and more epochs, no change on the test set.
"""
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np
import pandas as pd
import keras
from keras import layers
from sklearn.datasets import make_classification
from sklearn.preprocessing import StandardScaler

SEED = 11
N_SNAPSHOTS = 2400
SENSORS = [f"ch_{i:02d}" for i in range(12)]


def load_export(seed=SEED):
    """Simulates our CSV export: features, timestamps and fault flags."""
    X, y = make_classification(
        n_samples=N_SNAPSHOTS, n_features=len(SENSORS), n_informative=6,
        n_redundant=2, class_sep=1.2, random_state=seed,
    )
    rng = np.random.default_rng(seed)
    start = pd.Timestamp("2024-03-01")
    offsets = pd.to_timedelta(rng.integers(0, 60 * 24 * 30, size=len(X)), unit="min")
    df = pd.DataFrame(X * 3.0 + 20.0, columns=SENSORS)
    df.insert(0, "taken_at", start + offsets)
    return df, y


def time_ordered_split(df, frac=0.8):
    df = df.sort_values("taken_at").reset_index(drop=True)
    cut = int(len(df) * frac)
    return df, cut


def build_model(n_in):
    inp = keras.Input(shape=(n_in,))
    x = layers.Dense(64, activation="relu")(inp)
    x = layers.Dense(64, activation="relu")(x)
    x = layers.Dense(32, activation="relu")(x)
    out = layers.Dense(1, activation="sigmoid")(x)
    model = keras.Model(inp, out)
    model.compile(optimizer=keras.optimizers.Adam(1e-3),
                  loss="binary_crossentropy", metrics=["accuracy"])
    return model


def main():
    keras.utils.set_random_seed(SEED)
    df, faults = load_export()
    print(df.head())
    print("fault rate:", faults.mean())

    df, cut = time_ordered_split(df)
    X = df[SENSORS].to_numpy(dtype="float32")
    y = faults.astype("float32")

    X_train, X_test = X[:cut], X[cut:]
    y_train, y_test = y[:cut], y[cut:]

    scaler = StandardScaler().fit(X_train)
    X_train = scaler.transform(X_train)
    X_test = scaler.transform(X_test)

    model = build_model(X_train.shape[1])
    history = model.fit(X_train, y_train, epochs=30, batch_size=64,
                        validation_split=0.1, verbose=0)
    for ep in range(0, 30, 5):
        print(f"epoch {ep + 1:2d}  loss {history.history['loss'][ep]:.4f}  "
              f"acc {history.history['accuracy'][ep]:.3f}  "
              f"val_acc {history.history['val_accuracy'][ep]:.3f}")

    test_loss, test_acc = model.evaluate(X_test, y_test, verbose=0)
    print(f"test loss {test_loss:.4f}  test accuracy {test_acc:.3f}")


if __name__ == "__main__":
    main()
