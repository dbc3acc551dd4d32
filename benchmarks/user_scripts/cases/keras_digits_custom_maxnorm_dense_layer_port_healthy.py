"""Digits classifier built from my own max-norm dense layer (Keras 3).

Ported from an old TF 2.x project: a custom dense layer that renormalizes
each unit's weight vector to a maximum norm in the forward pass, stacked
into a small MLP for sklearn's 8x8 digits.
"""
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np
import tensorflow as tf
import keras
from keras import layers
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split


class MaxNormDense(keras.layers.Layer):
    """Dense layer whose per-unit weight vectors are capped at `max_norm`."""

    def __init__(self, units, activation=None, max_norm=3.0, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.activation = keras.activations.get(activation)
        self.max_norm = max_norm

    def build(self, input_shape):
        fan_in = int(input_shape[-1])
        limit = np.sqrt(6.0 / (fan_in + self.units))
        self.kernel = self.add_weight(
            shape=(fan_in, self.units),
            initializer=keras.initializers.RandomUniform(-limit, limit, seed=1),
            name="kernel",
        )
        self.bias = self.add_weight(shape=(self.units,), initializer="zeros", name="bias")

    def call(self, inputs):
        norms = tf.norm(self.kernel, axis=0, keepdims=True)
        kernel = self.kernel * tf.minimum(1.0, self.max_norm / (norms + 1e-7))
        return self.activation(tf.matmul(inputs, kernel) + self.bias)

    def get_config(self):
        cfg = super().get_config()
        cfg.update(units=self.units, max_norm=self.max_norm,
                   activation=keras.activations.serialize(self.activation))
        return cfg


def build_model(n_in=64, n_classes=10):
    model = keras.Sequential([
        keras.Input(shape=(n_in,)),
        MaxNormDense(128, activation="relu"),
        layers.Dropout(0.2),
        MaxNormDense(64, activation="relu"),
        MaxNormDense(n_classes),
    ])
    model.compile(
        optimizer=keras.optimizers.Adam(1e-3),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    return model


def main():
    keras.utils.set_random_seed(42)
    digits = load_digits()
    X = (digits.data / 16.0).astype("float32")
    y = digits.target
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, random_state=42, stratify=y)

    model = build_model()
    hist = model.fit(X_train, y_train, epochs=15, batch_size=32,
                     validation_split=0.1, verbose=0)
    for ep in range(15):
        print(f"epoch {ep + 1:2d}  loss {hist.history['loss'][ep]:.4f}  "
              f"acc {hist.history['accuracy'][ep]:.3f}  val_acc {hist.history['val_accuracy'][ep]:.3f}")

    _, test_acc = model.evaluate(X_test, y_test, verbose=0)
    print(f"test accuracy: {test_acc:.3f}")


if __name__ == "__main__":
    main()
