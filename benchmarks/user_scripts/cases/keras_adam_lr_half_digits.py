"""Keras: a user trains a digits MLP from a tf.data pipeline with Adam(learning_rate=0.5), a step size far too large, so training diverges and the model collapses to predicting one class."""
import tensorflow as tf
import keras
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

keras.utils.set_random_seed(11)

X, y = load_digits(return_X_y=True)
X = (X / 16.0).astype("float32")
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.2, random_state=11, stratify=y)

train_ds = (tf.data.Dataset.from_tensor_slices((X_train, y_train))
            .shuffle(len(X_train), seed=11)
            .batch(32)
            .prefetch(tf.data.AUTOTUNE))
val_ds = tf.data.Dataset.from_tensor_slices((X_val, y_val)).batch(64)

inputs = keras.Input(shape=(64,), name="pixels")
x = keras.layers.Dense(128, activation="relu")(inputs)
x = keras.layers.Dense(64, activation="relu")(x)
outputs = keras.layers.Dense(10, activation="softmax")(x)
model = keras.Model(inputs=inputs, outputs=outputs)

model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.5),
              loss=keras.losses.SparseCategoricalCrossentropy(),
              metrics=[keras.metrics.SparseCategoricalAccuracy(name="acc")])
history = model.fit(train_ds, validation_data=val_ds, epochs=20, verbose=0)

print("final train loss:", round(history.history["loss"][-1], 4))
print("validation accuracy:", round(history.history["val_acc"][-1], 4))
