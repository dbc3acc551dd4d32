"""Digit images stored one folder per class, fed through tf.data into a small CNN.

Our scans are saved as one folder per digit, so I build one tf.data dataset per
folder, concatenate them, shuffle and batch.  (Here I simulate the folders with
sklearn's digits.)  It reaches ~98% test accuracy after 10 epochs, though
validation accuracy dips a little in some epochs.  Is this pipeline OK to use
for the real scans?
"""
import numpy as np
import tensorflow as tf
import keras
from sklearn.datasets import load_digits

SEED = 1
PIPELINE = {"shuffle_buffer": 2000, "batch_size": 32, "holdout_per_class": 0.2}
keras.utils.set_random_seed(SEED)


def load_class_folders():
    """Simulates reading data/<digit>/*.png -> {digit: array of 8x8x1 images}."""
    digits = load_digits()
    images = (digits.images / 16.0).astype("float32")[..., None]
    return {d: images[digits.target == d] for d in range(10)}


def split_folders(folders, holdout):
    train, test = {}, {}
    for digit, imgs in folders.items():
        n_hold = int(len(imgs) * holdout)
        train[digit], test[digit] = imgs[n_hold:], imgs[:n_hold]
    return train, test


def folders_to_dataset(folders):
    parts = []
    for digit, imgs in sorted(folders.items()):
        labels = np.full(len(imgs), digit, dtype="int32")
        parts.append(tf.data.Dataset.from_tensor_slices((imgs, labels)))
    ds = parts[0]
    for part in parts[1:]:
        ds = ds.concatenate(part)
    return ds


def make_cnn():
    model = keras.Sequential([
        keras.Input(shape=(8, 8, 1)),
        keras.layers.Conv2D(16, 3, padding="same", activation="relu"),
        keras.layers.Conv2D(32, 3, padding="same", activation="relu"),
        keras.layers.MaxPooling2D(),
        keras.layers.Flatten(),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(10, activation="softmax"),
    ])
    model.compile(optimizer=keras.optimizers.Adam(2e-3),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


train_folders, test_folders = split_folders(load_class_folders(), PIPELINE["holdout_per_class"])
train_ds = (folders_to_dataset(train_folders)
            .shuffle(PIPELINE["shuffle_buffer"], seed=SEED, reshuffle_each_iteration=True)
            .batch(PIPELINE["batch_size"])
            .prefetch(tf.data.AUTOTUNE))
test_ds = folders_to_dataset(test_folders).batch(256)

model = make_cnn()
history = model.fit(train_ds, validation_data=test_ds, epochs=10, verbose=0)
for epoch, (loss, acc, val_acc) in enumerate(zip(history.history["loss"],
                                                 history.history["accuracy"],
                                                 history.history["val_accuracy"])):
    print(f"epoch {epoch + 1:2d} loss {loss:.4f} acc {acc:.3f} val_acc {val_acc:.3f}")

y_true = np.concatenate([y.numpy() for _, y in test_ds])
y_pred = model.predict(test_ds, verbose=0).argmax(axis=1)
print("predicted digit counts:", np.bincount(y_pred, minlength=10).tolist())
print(f"test accuracy {np.mean(y_pred == y_true):.3f}")
