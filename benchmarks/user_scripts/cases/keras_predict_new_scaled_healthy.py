"""Keras, healthy: five new flowers, scaled with the training scaler before predict()."""
import numpy as np
import keras
from sklearn.datasets import load_iris
from sklearn.preprocessing import StandardScaler

keras.utils.set_random_seed(12)
x, y = load_iris(return_X_y=True)
scaler = StandardScaler().fit(x)
model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(16, activation="relu"),
                          keras.layers.Dense(3, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(scaler.transform(x), y, epochs=60, batch_size=16, verbose=0)
new = np.array([[5.1, 3.5, 1.4, 0.2], [6.7, 3.0, 5.2, 2.3], [5.9, 3.0, 4.2, 1.5], [4.9, 3.1, 1.5, 0.1],
                [6.3, 2.5, 5.0, 1.9]])
print("predicted species", model.predict(scaler.transform(new), verbose=0).argmax(axis=1))
