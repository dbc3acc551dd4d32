"""Keras: the scaler is fitted again on the test set before predicting (each set scaled by its own range)."""
import numpy as np
import keras
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import MinMaxScaler

keras.utils.set_random_seed(44)
x, y = load_breast_cancer(return_X_y=True)
x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.1, random_state=44, stratify=y)
x_train = MinMaxScaler().fit_transform(x_train)
x_test = MinMaxScaler().fit_transform(x_test[y_test == 1][:12])  # the new batch of patients, all benign
model = keras.Sequential([keras.Input((30,)), keras.layers.Dense(16, activation="relu"),
                          keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(x_train, y_train, epochs=30, batch_size=32, verbose=0)
print("predicted benign", np.mean(model.predict(x_test, verbose=0) > 0.5))
