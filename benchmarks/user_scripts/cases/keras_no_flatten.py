"""Keras: 8x8 images into Dense layers without Flatten."""
import keras
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

keras.utils.set_random_seed(47)
digits = load_digits()
x, y = digits.images / 16.0, digits.target
x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.2, random_state=47)
model = keras.Sequential([keras.Input((8, 8)), keras.layers.Dense(32, activation="relu"),
                          keras.layers.Dense(10, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(x_train, y_train, epochs=10, batch_size=32, verbose=0)
print("test accuracy", model.evaluate(x_test, y_test, verbose=0)[1])
