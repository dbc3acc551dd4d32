"""Keras: labels left as strings ('malignant'/'benign') from a CSV."""
import numpy as np
import keras
from sklearn.datasets import load_breast_cancer
from sklearn.preprocessing import StandardScaler

keras.utils.set_random_seed(17)
data = load_breast_cancer()
x = StandardScaler().fit_transform(data.data)
y = np.array([data.target_names[t] for t in data.target])
model = keras.Sequential([keras.Input((30,)), keras.layers.Dense(16, activation="relu"),
                          keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(x, y, epochs=10, batch_size=32, verbose=0)
