"""Digits images compressed to 30 PCA components (scaler + PCA in an sklearn
Pipeline fit on the training split only) before a small Keras MLP. Sharing as a
baseline for the PCA + Keras combination.
"""
import numpy as np
import keras
from sklearn.datasets import load_digits
from sklearn.decomposition import PCA
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

np.random.seed(42)
keras.utils.set_random_seed(42)

digits = load_digits()
X_train_raw, X_test_raw, y_train, y_test = train_test_split(
    digits.data, digits.target, test_size=0.3, stratify=digits.target,
    random_state=42)

preprocess = make_pipeline(StandardScaler(), PCA(n_components=30, random_state=0))
X_train = preprocess.fit_transform(X_train_raw)
X_test = preprocess.transform(X_test_raw)

model = keras.Sequential([
    keras.Input(shape=(30,)),
    keras.layers.Dense(64, activation="relu"),
    keras.layers.Dense(10, activation="softmax"),
])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
              metrics=["accuracy"])
hist = model.fit(X_train, y_train, validation_split=0.15, epochs=12,
                 batch_size=64, verbose=0)
print(f"train acc {hist.history['accuracy'][-1]:.3f}  "
      f"val acc {hist.history['val_accuracy'][-1]:.3f}")

test_loss, test_acc = model.evaluate(X_test, y_test, verbose=0)
print(f"test acc {test_acc:.3f}")
