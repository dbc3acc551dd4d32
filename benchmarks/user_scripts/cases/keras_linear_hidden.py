"""Keras: hidden layers without activation on circles: the whole network is linear."""
import keras
from sklearn.datasets import make_circles
from sklearn.model_selection import train_test_split

keras.utils.set_random_seed(63)
x, y = make_circles(n_samples=1000, noise=0.08, factor=0.5, random_state=63)
x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.25, random_state=63, stratify=y)
model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(32), keras.layers.Dense(32),
                          keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(x_train, y_train, epochs=50, batch_size=32, validation_data=(x_test, y_test), verbose=0)
print("test accuracy", model.evaluate(x_test, y_test, verbose=0)[1])
