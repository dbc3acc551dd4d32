"""Keras: a digits classifier is trained from a repeated tf.data pipeline with steps_per_epoch=1, so the 15 'epochs' are only 15 gradient steps of 64 images each."""
import tensorflow as tf
import keras
from keras import layers
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

keras.utils.set_random_seed(5)

X, y = load_digits(return_X_y=True)
X = (X / 16.0).astype("float32")
x_train, x_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=5, stratify=y)

BATCH_SIZE = 64
train_ds = (tf.data.Dataset.from_tensor_slices((x_train, y_train))
            .shuffle(len(x_train), seed=5)
            .repeat()
            .batch(BATCH_SIZE))
test_ds = tf.data.Dataset.from_tensor_slices((x_test, y_test)).batch(BATCH_SIZE)

model = keras.Sequential([
    keras.Input(shape=(64,)),
    layers.Dense(64, activation="relu"),
    layers.Dense(32, activation="relu"),
    layers.Dense(10, activation="softmax"),
])
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05, momentum=0.9),
              loss="sparse_categorical_crossentropy", metrics=["accuracy"])
history = model.fit(train_ds, epochs=15, steps_per_epoch=1, verbose=0)
print("training loss per epoch:", [round(v, 3) for v in history.history["loss"]])

loss, acc = model.evaluate(test_ds, verbose=0)
print("test loss:", round(loss, 3), "test accuracy:", round(acc, 3))
