"""Keras: fit() called without epochs (default 1) and SGD's default lr."""
import keras
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

keras.utils.set_random_seed(1)
x, y = load_digits(return_X_y=True)
x = x / 16.0
x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.2, random_state=1)
model = keras.Sequential([keras.Input((64,)), keras.layers.Dense(32, activation="relu"),
                          keras.layers.Dense(10, activation="softmax")])
model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(x_train, y_train, verbose=0)
loss, acc = model.evaluate(x_test, y_test, verbose=0)
print("test accuracy", acc)
