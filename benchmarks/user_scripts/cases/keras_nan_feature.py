"""Keras: a feature column with missing values (NaN) read from a spreadsheet."""
import numpy as np
import keras
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

keras.utils.set_random_seed(11)
rng = np.random.default_rng(11)
x, y = load_breast_cancer(return_X_y=True)
x = StandardScaler().fit_transform(x)
x[rng.random(len(x)) < 0.05, 7] = np.nan
x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.25, random_state=11, stratify=y)
model = keras.Sequential([keras.Input((30,)), keras.layers.Dense(16, activation="relu"),
                          keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(x_train, y_train, epochs=10, batch_size=32, verbose=0)
print("test accuracy", model.evaluate(x_test, y_test, verbose=0)[1])
