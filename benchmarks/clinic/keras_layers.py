"""A Keras layer a user writes by hand, for the fault that lives in ``call``."""

from __future__ import annotations

import keras


@keras.saving.register_keras_serializable(package="clinic")
class AlwaysDropout(keras.layers.Layer):
    """Dropout that ignores ``training``: the user's ``call`` forgot the flag, so it also drops
    at prediction."""

    def __init__(self, rate, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.rate, self.seed = rate, seed
        self.generator = keras.random.SeedGenerator(seed)

    def call(self, inputs):
        return keras.random.dropout(inputs, self.rate, seed=self.generator)

    def get_config(self):
        return {**super().get_config(), "rate": self.rate, "seed": self.seed}
