"""
Predictive maintenance: 40 pumps, hourly readings (temperature, vibration, pressure),
label = pump fails within the next 24h. I engineer per-pump features with pandas
(hour-to-hour deltas and a rolling mean of vibration) and feed them to a Keras MLP.

The loss shows "nan" from the very first epoch and never recovers. At the end every
prediction is the same and accuracy is 0.58, which is exactly the share of
"no failure" rows in the test set. I already drop the rows
where the delta features are missing (first reading of each pump), and I scale with
StandardScaler. Lowering the learning rate to 1e-4 did not help either.
"""
import os
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np
import pandas as pd
import keras
from keras import layers
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

keras.utils.set_random_seed(5)
rng = np.random.default_rng(5)


def load_readings(n_pumps=40, hours=120):
    frames = []
    for pump in range(n_pumps):
        wear = np.cumsum(rng.gamma(0.3, 0.05, size=hours)) * rng.uniform(0.5, 2.0)
        frames.append(pd.DataFrame({
            "pump_id": pump,
            "hour": np.arange(hours),
            "temperature": 60 + 8 * wear + rng.normal(0, 1.0, hours),
            "vibration": 2.0 + 1.5 * wear + rng.normal(0, 0.3, hours),
            "pressure": 5.0 - 0.4 * wear + rng.normal(0, 0.2, hours),
            "wear": wear,
        }))
    df = pd.concat(frames, ignore_index=True)
    df["fails_24h"] = (df["wear"] > 1.2).astype(int)
    return df.drop(columns="wear")


def add_features(df):
    df = df.sort_values(["pump_id", "hour"]).copy()
    g = df.groupby("pump_id")
    for col in ["temperature", "vibration", "pressure"]:
        df[f"{col}_delta"] = g[col].diff()
    df["vibration_roll6"] = g["vibration"].transform(lambda s: s.rolling(6).mean())
    return df


df = add_features(load_readings())
# first reading of each pump has no delta
df = df.dropna(subset=["temperature_delta", "vibration_delta", "pressure_delta"])

FEATURES = ["temperature", "vibration", "pressure", "temperature_delta",
            "vibration_delta", "pressure_delta", "vibration_roll6"]
X = df[FEATURES].to_numpy(dtype="float32")
y = df["fails_24h"].to_numpy()

X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=0)
scaler = StandardScaler().fit(X_train)
X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)

model = keras.Sequential([
    keras.Input(shape=(len(FEATURES),)),
    layers.Dense(32, activation="relu"),
    layers.Dense(16, activation="relu"),
    layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(X_train, y_train, epochs=10, batch_size=64, verbose=2)

prob = model.predict(X_test, verbose=0).ravel()
pred = (prob > 0.5).astype(int)
print("share of 'no failure' in test:", round(1 - y_test.mean(), 3))
print(f"test accuracy: {(pred == y_test).mean():.3f}")
