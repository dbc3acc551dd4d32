"""Keras: a SimpleRNN with ReLU activation regresses the running total of 100-step sensor sequences with plain SGD and no gradient clipping, and its gradients blow up through the time steps."""
import numpy as np
import keras
from keras import layers

keras.utils.set_random_seed(0)

T = 100
rng = np.random.default_rng(0)
readings = rng.normal(size=(1000, T, 1)).astype("float32")
drift = (readings.sum(axis=(1, 2)) / np.sqrt(T)).astype("float32")

x_train, y_train = readings[:800], drift[:800]
x_test, y_test = readings[800:], drift[800:]

model = keras.Sequential([
    keras.Input(shape=(T, 1)),
    layers.SimpleRNN(64, activation="relu"),
    layers.Dense(1),
])
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.01), loss="mse", metrics=["mae"])
history = model.fit(x_train, y_train, epochs=15, batch_size=32,
                    validation_data=(x_test, y_test), verbose=0)
print("loss per epoch:", [round(v, 3) for v in history.history["loss"]])

test_mse, test_mae = model.evaluate(x_test, y_test, verbose=0)
print("test MSE:", test_mse, "test MAE:", test_mae)
print("(predicting the mean would give MSE", round(float(y_test.var()), 3), ")")
