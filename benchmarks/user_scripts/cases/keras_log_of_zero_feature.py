"""Keras: a skewed feature log-transformed without checking for zeros (log(0) = -inf)."""
import numpy as np
import keras
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split

keras.utils.set_random_seed(26)
x, y = load_breast_cancer(return_X_y=True)
x = np.log(x)  # several concavity columns hold exact zeros
x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.25, random_state=26, stratify=y)
mean, std = x_train.mean(axis=0), x_train.std(axis=0)
x_train, x_test = (x_train - mean) / std, (x_test - mean) / std
model = keras.Sequential([keras.Input((30,)), keras.layers.Dense(16, activation="relu"),
                          keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(x_train, y_train, epochs=20, batch_size=32, verbose=0)
print("test accuracy", model.evaluate(x_test, y_test, verbose=0)[1])
