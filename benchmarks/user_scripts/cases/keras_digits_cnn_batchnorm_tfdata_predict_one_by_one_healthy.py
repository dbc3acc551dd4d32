"""Keras: a small digits CNN with BatchNormalization layers, trained from tf.data and then classifying test images one at a time with predict(batch_size=1), which is fine because Keras runs batch-norm in inference mode at predict time (healthy)."""
import numpy as np
import tensorflow as tf
import keras
from keras import layers
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

keras.utils.set_random_seed(9)

digits = load_digits()
X = (digits.images / 16.0).astype("float32")[..., np.newaxis]
y = digits.target
x_train, x_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=9, stratify=y)
x_train, x_val, y_train, y_val = train_test_split(x_train, y_train, test_size=0.15, random_state=9, stratify=y_train)

train_ds = tf.data.Dataset.from_tensor_slices((x_train, y_train)).shuffle(1000, seed=9).batch(32)
val_ds = tf.data.Dataset.from_tensor_slices((x_val, y_val)).batch(64)

model = keras.Sequential([
    keras.Input(shape=(8, 8, 1)),
    layers.Conv2D(16, 3, padding="same", use_bias=False),
    layers.BatchNormalization(),
    layers.ReLU(),
    layers.Conv2D(32, 3, padding="same", use_bias=False),
    layers.BatchNormalization(),
    layers.ReLU(),
    layers.MaxPooling2D(),
    layers.Flatten(),
    layers.Dense(64, use_bias=False),
    layers.BatchNormalization(),
    layers.ReLU(),
    layers.Dense(10, activation="softmax"),
])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
history = model.fit(train_ds, validation_data=val_ds, epochs=12, verbose=0)
print("val accuracy:", round(history.history["val_accuracy"][-1], 3))

probs = model.predict(x_test, batch_size=1, verbose=0)
pred = probs.argmax(axis=1)
print("test accuracy (one image at a time):", round(float((pred == y_test).mean()), 3))
