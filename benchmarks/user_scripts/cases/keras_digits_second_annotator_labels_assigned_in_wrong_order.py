"""Keras: digit labels are merged from two annotators' exports, and the second annotator's label column (sorted by image id) is written back in the random order the images were handed out, so about a third of the labels are wrong."""
import numpy as np
import keras
from keras import layers
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

keras.utils.set_random_seed(21)

digits = load_digits()
images = (digits.data / 16.0).astype("float32")
n = len(images)

rng = np.random.default_rng(21)
assignment = rng.permutation(n)
batch_a_ids, batch_b_ids = assignment[:1150], assignment[1150:]

export_a = [(int(i), int(digits.target[i])) for i in np.sort(batch_a_ids)]
export_b = [int(digits.target[i]) for i in np.sort(batch_b_ids)]

labels = np.zeros(n, dtype=int)
for image_id, label in export_a:
    labels[image_id] = label
labels[batch_b_ids] = export_b

x_train, x_test, y_train, y_test = train_test_split(images, labels, test_size=0.2, random_state=21)

model = keras.Sequential([
    keras.Input(shape=(64,)),
    layers.Dense(128, activation="relu"),
    layers.Dense(64, activation="relu"),
    layers.Dense(10, activation="softmax"),
])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(x_train, y_train, epochs=30, batch_size=32, validation_split=0.15, verbose=0)

loss, acc = model.evaluate(x_test, y_test, verbose=0)
print("test loss:", round(loss, 3), "test accuracy:", round(acc, 3))
