"""Bug: the images are read one class folder after another, and tf.data's shuffle buffer (64)
is far smaller than the data: every batch is dominated by one or two classes."""
import keras
import tensorflow as tf
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

keras.utils.set_random_seed(3)
x, y = load_digits(return_X_y=True)
x_train, x_test, y_train, y_test = train_test_split((x / 16.0).astype("float32"), y, test_size=0.2,
                                                    random_state=3, stratify=y)
folders = [tf.data.Dataset.from_tensor_slices((x_train[y_train == d], y_train[y_train == d])) for d in range(10)]
train_ds = folders[0]
for folder in folders[1:]:
    train_ds = train_ds.concatenate(folder)  # class 0, then class 1, ...
train_ds = train_ds.shuffle(64).batch(32)

model = keras.Sequential([keras.Input((64,)), keras.layers.Dense(64, activation="relu"),
                          keras.layers.Dense(10, activation="softmax")])
model.compile(keras.optimizers.Adam(2e-3), "sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(train_ds, epochs=5, verbose=0)
print("test accuracy", model.evaluate(x_test, y_test, verbose=0)[1])
