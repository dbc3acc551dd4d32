"""Digits MLP with a hand-written PixelDropout layer (for robustness to occlusion) whose call() has no training argument, so pixels are also dropped in evaluate/predict and test predictions are noisy and much worse."""
import keras
from keras import layers
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

keras.utils.set_random_seed(0)


class PixelDropout(keras.layers.Layer):
    """Randomly blanks out pixels so the model copes with occluded digits."""

    def __init__(self, rate, **kwargs):
        super().__init__(**kwargs)
        self.rate = rate
        self.seed_gen = keras.random.SeedGenerator(123)

    def call(self, inputs):
        return keras.random.dropout(inputs, self.rate, seed=self.seed_gen)


X, y = load_digits(return_X_y=True)
X = (X / 16.0).astype("float32")
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=0, stratify=y)

model = keras.Sequential([
    keras.Input(shape=(64,)),
    PixelDropout(0.6),
    layers.Dense(128, activation="relu"),
    PixelDropout(0.5),
    layers.Dense(10, activation="softmax"),
])
model.compile(optimizer=keras.optimizers.Adam(3e-3), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(X_train, y_train, epochs=40, batch_size=32, verbose=0)

loss, acc = model.evaluate(X_test, y_test, verbose=0)
print("test loss %.3f  test accuracy %.3f" % (loss, acc))
p1 = model.predict(X_test[:10], verbose=0).argmax(1)
p2 = model.predict(X_test[:10], verbose=0).argmax(1)
print("predictions call 1:", p1)
print("predictions call 2:", p2)
print("true labels       :", y_test[:10])
