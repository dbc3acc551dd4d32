"""The seed's models in Keras, built and trained as its snippets write them."""

from __future__ import annotations

import keras

from . import data


def fit_like_seed(model, x, y, epochs: int, batch_size: int = 32) -> None:
    """``model.fit(x, y, epochs=epochs)``: the same shuffled steps, fed as one repeated
    tf.data stream, since Keras's per-epoch overhead (~50 ms) dominates 100-sample data."""
    import tensorflow as tf

    stream = (tf.data.Dataset.from_tensor_slices((x, y)).shuffle(len(x), seed=0)
              .batch(batch_size).repeat(epochs))
    model.fit(stream, epochs=1, verbose=0)


def untrained():
    keras.utils.set_random_seed(0)
    x_train, x_val, y_train, y_val = data.untrained_task()
    model = keras.Sequential([keras.Input((5,)), keras.layers.Dense(10, activation="relu"),
                              keras.layers.Dense(2, activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(), loss="sparse_categorical_crossentropy")
    return model, x_train, y_train, (x_val, y_val), {}  # never fitted, as in snippet 1


def regression(lr: float):
    keras.utils.set_random_seed(0)
    x, y = data.regression_task()
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=lr), loss="mse")
    fit_like_seed(model, x, y, epochs=500)
    return model, x, y, None, {}


def blobs(n_samples: int):
    keras.utils.set_random_seed(0)
    x_train, x_test, y_train, y_test = data.blobs_task(n_samples)
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(10, activation="relu"),
                              keras.layers.Dense(2, activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    fit_like_seed(model, x_train, y_train, epochs=100)
    return model, x_train, y_train, (x_test, y_test), {}
