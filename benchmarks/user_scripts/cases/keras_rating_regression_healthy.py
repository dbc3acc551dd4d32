"""Keras: an integer rating 0..6 predicted as an amount with MSE (healthy: the rating is ordered)."""
import numpy as np
import keras
from sklearn.model_selection import train_test_split

keras.utils.set_random_seed(6)
rng = np.random.default_rng(6)
x = rng.normal(size=(1200, 8))
score = x[:, 0] * 1.2 + 0.8 * x[:, 1] - 0.5 * x[:, 2] * x[:, 3] + 0.3 * rng.normal(size=1200)
rating = np.clip(np.rint(score + 3), 0, 6)
x_train, x_test, y_train, y_test = train_test_split(x, rating, test_size=0.25, random_state=6)
model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(32, activation="relu"),
                          keras.layers.Dense(1)])
model.compile(optimizer="adam", loss="mse", metrics=["mae"])
model.fit(x_train, y_train, epochs=40, batch_size=32, verbose=0)
print("test mae", model.evaluate(x_test, y_test, verbose=0)[1])
