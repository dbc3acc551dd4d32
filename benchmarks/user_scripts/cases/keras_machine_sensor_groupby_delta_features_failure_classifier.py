"""Predicting machine failures from sensor logs with engineered "change" features.

We log temperature, vibration and pressure for a fleet of machines.  A
maintenance engineer told me the *changes* between consecutive readings matter
more than the raw values, so I add per-machine delta features with pandas.
Since adding them the Keras training prints `loss: nan` from the first epoch
on and the model predicts "no failure" for every row (test accuracy = share of
healthy rows).  Without the delta features it trains (but is worse).  Are
the new features too large?
"""
import numpy as np
import pandas as pd
import keras
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

keras.utils.set_random_seed(5)
SENSORS = ["temperature", "vibration", "pressure"]


def simulate_logs(n_machines=25, n_steps=80, seed=5):
    rng = np.random.default_rng(seed)
    frames = []
    for m in range(n_machines):
        drift = rng.normal(0, 1, size=(n_steps, 3)).cumsum(axis=0) * 0.3
        base = np.array([70.0, 2.0, 30.0]) + rng.normal(0, [3, 0.3, 2])
        values = base + drift * np.array([1.0, 0.1, 0.5])
        frames.append(pd.DataFrame({
            "machine_id": f"M{m:02d}",
            "timestamp": pd.date_range("2024-01-01", periods=n_steps, freq="h"),
            "temperature": values[:, 0],
            "vibration": values[:, 1],
            "pressure": values[:, 2],
        }))
    logs = pd.concat(frames, ignore_index=True)
    d_temp = logs.groupby("machine_id")["temperature"].diff().fillna(0)
    d_vib = logs.groupby("machine_id")["vibration"].diff().fillna(0)
    risk = 1.5 * d_temp + 12 * d_vib + 0.2 * (logs["temperature"] - 70)
    logs["failure_next_24h"] = (risk + rng.normal(0, 0.5, len(logs)) > 1.2).astype(int)
    return logs


def add_features(logs):
    logs = logs.sort_values(["machine_id", "timestamp"]).copy()
    grouped = logs.groupby("machine_id")
    for col in SENSORS:
        logs[f"{col}_delta"] = grouped[col].diff()
        logs[f"{col}_pct"] = grouped[col].pct_change()
    logs["hour"] = logs["timestamp"].dt.hour
    return logs


def build_model(n_features):
    inputs = keras.Input(shape=(n_features,))
    x = keras.layers.Dense(32, activation="relu")(inputs)
    x = keras.layers.Dense(16, activation="relu")(x)
    outputs = keras.layers.Dense(1, activation="sigmoid")(x)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer=keras.optimizers.Adam(3e-3), loss="binary_crossentropy",
                  metrics=["accuracy"])
    return model


logs = add_features(simulate_logs())
feature_cols = SENSORS + [c for c in logs.columns if c.endswith(("_delta", "_pct"))] + ["hour"]
print("rows:", len(logs), "failure rate:", round(logs["failure_next_24h"].mean(), 3))

train_df, test_df = train_test_split(logs, test_size=0.25, random_state=0,
                                     stratify=logs["failure_next_24h"])
scaler = StandardScaler().fit(train_df[feature_cols])
X_train = scaler.transform(train_df[feature_cols]).astype("float32")
X_test = scaler.transform(test_df[feature_cols]).astype("float32")
y_train = train_df["failure_next_24h"].to_numpy("float32")
y_test = test_df["failure_next_24h"].to_numpy("float32")

model = build_model(len(feature_cols))
hist = model.fit(X_train, y_train, epochs=20, batch_size=32, validation_split=0.1, verbose=0)
for e in range(0, 20, 4):
    print(f"epoch {e + 1:2d} loss {hist.history['loss'][e]:.4f} "
          f"val_acc {hist.history['val_accuracy'][e]:.3f}")

proba = model.predict(X_test, verbose=0).ravel()
pred = (proba > 0.5).astype("float32")
print(f"test accuracy {np.mean(pred == y_test):.3f}  predicted failures {int(pred.sum())} "
      f"/ actual {int(y_test.sum())}")
