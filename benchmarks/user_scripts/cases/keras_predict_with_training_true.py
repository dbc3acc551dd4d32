"""Keras: predictions made with model(x, training=True) (copied from a custom training loop), dropout on."""
import numpy as np
import keras
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

keras.utils.set_random_seed(33)
x, y = load_digits(return_X_y=True)
x = x / 16.0
x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.25, random_state=33, stratify=y)
model = keras.Sequential([keras.Input((64,)), keras.layers.Dense(128, activation="relu"), keras.layers.Dropout(0.6),
                          keras.layers.Dense(64, activation="relu"), keras.layers.Dropout(0.6),
                          keras.layers.Dense(10, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(x_train, y_train, epochs=20, batch_size=32, verbose=0)
probs = model(x_test, training=True).numpy()
print("test accuracy", np.mean(probs.argmax(1) == y_test))
