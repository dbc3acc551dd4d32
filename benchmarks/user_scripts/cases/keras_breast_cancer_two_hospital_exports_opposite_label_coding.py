"""Breast cancer data merged from two hospital exports with pd.concat; hospital B codes its label column the opposite way (1 = malignant), so about 40% of the merged labels are wrong and accuracy is capped far below what the features allow."""
import numpy as np
import pandas as pd
import keras
from keras import layers
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

keras.utils.set_random_seed(2)
rng = np.random.default_rng(2)

# simulate the two exports we received
full = load_breast_cancer(as_frame=True).frame
from_b = rng.random(len(full)) < 0.4
hospital_a = full[~from_b].rename(columns={"target": "label"})            # 1 = benign
hospital_b = full[from_b].rename(columns={"target": "is_malignant"})
hospital_b["is_malignant"] = 1 - hospital_b["is_malignant"]                 # 1 = malignant

# merge: both files have a 0/1 outcome column, just named differently
hospital_b = hospital_b.rename(columns={"is_malignant": "label"})
df = pd.concat([hospital_a, hospital_b], ignore_index=True)
print("merged rows:", len(df), " label counts:", df["label"].value_counts().to_dict())

X = df.drop(columns="label").values
y = df["label"].values.astype("float32")
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=2, stratify=y)
scaler = StandardScaler().fit(X_train)
X_train = scaler.transform(X_train).astype("float32")
X_test = scaler.transform(X_test).astype("float32")

model = keras.Sequential([
    keras.Input(shape=(X.shape[1],)),
    layers.Dense(32, activation="relu"),
    layers.Dropout(0.2),
    layers.Dense(16, activation="relu"),
    layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
history = model.fit(X_train, y_train, epochs=30, batch_size=32, validation_split=0.15, verbose=0)
print("train acc: %.3f  val acc: %.3f" % (history.history["accuracy"][-1], history.history["val_accuracy"][-1]))

loss, acc = model.evaluate(X_test, y_test, verbose=0)
print("test loss %.3f  test accuracy %.3f" % (loss, acc))
