"""Keras: a subclassed digits model hard-codes training=True in its BatchNormalization calls, so batch-norm stays in training mode when the user classifies test digits one at a time (batch_size=1)."""
import numpy as np
import keras
from keras import layers
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

keras.utils.set_random_seed(3)

X, y = load_digits(return_X_y=True)
X = (X / 16.0).astype("float32")
x_train, x_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=3, stratify=y)


class DigitNet(keras.Model):
    def __init__(self):
        super().__init__()
        self.dense1 = layers.Dense(128)
        self.bn1 = layers.BatchNormalization()
        self.dense2 = layers.Dense(64)
        self.bn2 = layers.BatchNormalization()
        self.out = layers.Dense(10, activation="softmax")

    def call(self, inputs, training=False):
        x = self.dense1(inputs)
        x = self.bn1(x, training=True)
        x = keras.activations.relu(x)
        x = self.dense2(x)
        x = self.bn2(x, training=True)
        x = keras.activations.relu(x)
        return self.out(x)


model = DigitNet()
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
history = model.fit(x_train, y_train, epochs=20, batch_size=32, validation_split=0.1, verbose=0)
print("train accuracy:", round(history.history["accuracy"][-1], 3))
print("val accuracy:", round(history.history["val_accuracy"][-1], 3))

probs = model.predict(x_test, batch_size=1, verbose=0)
predictions = probs.argmax(axis=1)
print("distinct predicted digits:", np.unique(predictions))
print("test accuracy:", round(float((predictions == y_test).mean()), 3))
