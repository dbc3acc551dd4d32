"""Keras: training data sorted by class, fit(shuffle=False) (the user wanted reproducible batches)."""
import numpy as np
import keras
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

keras.utils.set_random_seed(62)
x, y = load_digits(return_X_y=True)
x_train, x_test, y_train, y_test = train_test_split(x / 16.0, y, test_size=0.2, random_state=62, stratify=y)
order = np.argsort(y_train, kind="stable")
x_train, y_train = x_train[order], y_train[order]
model = keras.Sequential([keras.Input((64,)), keras.layers.Dense(64, activation="relu"),
                          keras.layers.Dense(10, activation="softmax")])
model.compile(optimizer=keras.optimizers.SGD(0.1), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(x_train, y_train, epochs=5, batch_size=32, shuffle=False, verbose=0)
print("test accuracy", model.evaluate(x_test, y_test, verbose=0)[1])
