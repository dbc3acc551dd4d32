"""Digits MLP fed by tf.data: features and labels are built as two datasets, each shuffled on its own, then zipped, so every batch pairs images with random labels and nothing is learned."""
import numpy as np
import tensorflow as tf
import keras
from keras import layers
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

keras.utils.set_random_seed(7)

X, y = load_digits(return_X_y=True)
X = (X / 16.0).astype("float32")
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=7)

BATCH = 32
features_ds = tf.data.Dataset.from_tensor_slices(X_train).shuffle(len(X_train))
labels_ds = tf.data.Dataset.from_tensor_slices(y_train).shuffle(len(y_train))
train_ds = tf.data.Dataset.zip((features_ds, labels_ds)).batch(BATCH).prefetch(tf.data.AUTOTUNE)
test_ds = tf.data.Dataset.from_tensor_slices((X_test, y_test)).batch(BATCH)

model = keras.Sequential([
    keras.Input(shape=(64,)),
    layers.Dense(128, activation="relu"),
    layers.Dense(64, activation="relu"),
    layers.Dense(10, activation="softmax"),
])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
history = model.fit(train_ds, epochs=20, validation_data=test_ds, verbose=0)

print("train acc per 5 epochs:", np.round(history.history["accuracy"][::5], 3))
loss, acc = model.evaluate(test_ds, verbose=0)
print("test loss %.3f  test accuracy %.3f" % (loss, acc))
print("predictions:", model.predict(X_test[:10], verbose=0).argmax(1))
print("true labels:", y_test[:10])
