"""Hand-written Dense layer (keras.layers.Layer subclass) that creates its kernel with add_weight(initializer="zeros"), so every hidden unit starts identical and the circles classifier never gets past the prior."""
import keras
from keras import ops
from sklearn.datasets import make_circles
from sklearn.model_selection import train_test_split

keras.utils.set_random_seed(0)


class MyDense(keras.layers.Layer):
    def __init__(self, units, activation=None, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.activation = keras.activations.get(activation)

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units), initializer="zeros", trainable=True)
        self.b = self.add_weight(shape=(self.units,), initializer="zeros", trainable=True)

    def call(self, inputs):
        return self.activation(ops.matmul(inputs, self.w) + self.b)


class CirclesNet(keras.Model):
    def __init__(self):
        super().__init__()
        self.h1 = MyDense(32, activation="relu")
        self.h2 = MyDense(32, activation="relu")
        self.out = MyDense(1, activation="sigmoid")

    def call(self, x):
        return self.out(self.h2(self.h1(x)))


X, y = make_circles(n_samples=2000, noise=0.1, factor=0.5, random_state=0)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=0)

model = CirclesNet()
model.compile(optimizer=keras.optimizers.Adam(1e-2), loss="binary_crossentropy", metrics=["accuracy"])
history = model.fit(X_train, y_train, epochs=20, batch_size=64, verbose=0)
print("train loss first/last:", round(history.history["loss"][0], 4), round(history.history["loss"][-1], 4))

loss, acc = model.evaluate(X_test, y_test, verbose=0)
print(f"test accuracy: {acc:.3f}")
print("predictions:", model.predict(X_test[:8], verbose=0).ravel().round(3))
