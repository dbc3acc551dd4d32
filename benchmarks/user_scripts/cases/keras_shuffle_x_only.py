"""Keras: the user shuffles the feature array in place, but not the labels with it."""
import numpy as np
import keras
from sklearn.datasets import load_breast_cancer
from sklearn.preprocessing import StandardScaler

keras.utils.set_random_seed(2)
x, y = load_breast_cancer(return_X_y=True)
x = StandardScaler().fit_transform(x)
np.random.shuffle(x)  # "shuffle the data before splitting"
n = int(0.8 * len(x))
x_train, x_test, y_train, y_test = x[:n], x[n:], y[:n], y[n:]
model = keras.Sequential([keras.Input((30,)), keras.layers.Dense(32, activation="relu"),
                          keras.layers.Dense(16, activation="relu"), keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(x_train, y_train, epochs=30, batch_size=32, validation_split=0.2, verbose=0)
print("test accuracy", model.evaluate(x_test, y_test, verbose=0)[1])
