"""
Two-spirals toy problem (generated with numpy). I wrote my own dense block layer
(I need it later for a custom weight-norm experiment), adapted from an older
TF2 low-level tutorial, and stack two of them before a normal sigmoid output.

The model trains without errors but accuracy is stuck around 0.68 on both train and
test (loss goes 0.64 -> 0.57 and stays there). An sklearn MLPClassifier gets ~0.99 on exactly
the same arrays. I tried 3 blocks, 128 units, and lr 1e-2, nothing really helps.
"""
import os
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np
import tensorflow as tf
import keras
from keras import layers

keras.utils.set_random_seed(1)


def make_spirals(n_per_class=600, noise=0.25, seed=0):
    r = np.random.default_rng(seed)
    t = np.sqrt(r.random(n_per_class)) * 3 * np.pi
    a = np.c_[t * np.cos(t), t * np.sin(t)]
    b = -a
    X = np.vstack([a, b]) + r.normal(scale=noise, size=(2 * n_per_class, 2))
    y = np.r_[np.zeros(n_per_class), np.ones(n_per_class)]
    idx = r.permutation(len(y))
    return (X[idx] / 5.0).astype("float32"), y[idx].astype("float32")


class DenseBlock(layers.Layer):
    """Affine + activation, weights created lazily once the input size is known."""

    def __init__(self, units, activation="relu", **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.activation = keras.activations.get(activation)

    def build(self, input_shape):
        fan_in = int(input_shape[-1])
        init = tf.random.normal((fan_in, self.units), stddev=np.sqrt(2.0 / fan_in))
        self.kernel = tf.Variable(init, name="kernel")
        self.bias = tf.Variable(tf.zeros((self.units,)), name="bias")

    def call(self, inputs):
        return self.activation(tf.matmul(inputs, self.kernel) + self.bias)


X, y = make_spirals()
n_train = int(0.8 * len(y))
X_train, y_train, X_test, y_test = X[:n_train], y[:n_train], X[n_train:], y[n_train:]

model = keras.Sequential([
    keras.Input(shape=(2,)),
    DenseBlock(64),
    DenseBlock(64),
    layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer=keras.optimizers.Adam(1e-2), loss="binary_crossentropy",
              metrics=["accuracy"])
hist = model.fit(X_train, y_train, epochs=40, batch_size=64, verbose=0)
print("train loss first/last:", round(hist.history["loss"][0], 3), round(hist.history["loss"][-1], 3))
print(f"train accuracy: {hist.history['accuracy'][-1]:.3f}")
_, acc = model.evaluate(X_test, y_test, verbose=0)
print(f"test accuracy: {acc:.3f}")
