"""Keras: regression on standardized targets with a ReLU output unit."""
import keras
from sklearn.datasets import make_regression
from sklearn.model_selection import train_test_split

keras.utils.set_random_seed(6)
x, y = make_regression(n_samples=600, n_features=6, noise=5.0, random_state=6)
y = (y - y.mean()) / y.std()
x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.25, random_state=6)
model = keras.Sequential([keras.Input((6,)), keras.layers.Dense(32, activation="relu"),
                          keras.layers.Dense(1, activation="relu")])
model.compile(optimizer="adam", loss="mse")
model.fit(x_train, y_train, epochs=40, batch_size=32, verbose=0)
print("test mse", model.evaluate(x_test, y_test, verbose=0))
