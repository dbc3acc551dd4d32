"""Keras: a breast-cancer MLP with a Normalization layer is trained on DataFrame columns in dataset order, but new records arrive as JSON with alphabetically sorted keys and are turned into arrays with that column order."""
import json

import numpy as np
import pandas as pd
import keras
from keras import layers
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split

keras.utils.set_random_seed(7)

data = load_breast_cancer()
df = pd.DataFrame(data.data, columns=data.feature_names)
df["target"] = data.target

train_df, new_df = train_test_split(df, test_size=0.25, random_state=7, stratify=df["target"])
feature_cols = list(data.feature_names)

x_train = train_df[feature_cols].to_numpy(dtype="float32")
y_train = train_df["target"].to_numpy()

norm = layers.Normalization()
norm.adapt(x_train)

model = keras.Sequential([
    keras.Input(shape=(len(feature_cols),)),
    norm,
    layers.Dense(32, activation="relu"),
    layers.Dense(16, activation="relu"),
    layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="binary_crossentropy", metrics=["accuracy"])
history = model.fit(x_train, y_train, epochs=40, batch_size=32, validation_split=0.2, verbose=0)
print("val accuracy during training:", round(history.history["val_accuracy"][-1], 3))

payload = json.dumps(new_df[feature_cols].to_dict(orient="records"), sort_keys=True)
records = json.loads(payload)
x_new = np.array([list(r.values()) for r in records], dtype="float32")
y_new = new_df["target"].to_numpy()

probs = model.predict(x_new, verbose=0).ravel()
pred = (probs > 0.5).astype(int)
print("predicted class counts:", np.bincount(pred, minlength=2))
print("accuracy on new records:", round(float((pred == y_new).mean()), 3))
