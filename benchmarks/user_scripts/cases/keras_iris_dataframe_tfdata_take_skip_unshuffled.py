"""Iris from a pandas DataFrame (rows grouped by species, as in the CSV) split into train/test with tf.data take()/skip() before any shuffle; the train set is shuffled afterwards, but the test set is all one species the model never saw."""
import numpy as np
import tensorflow as tf
import keras
from keras import layers
from sklearn.datasets import load_iris

keras.utils.set_random_seed(1)

df = load_iris(as_frame=True).frame          # same layout as iris.csv: setosa, versicolor, virginica
print(df.head(3))
print(df["target"].value_counts().sort_index().to_dict())

features = df.drop(columns="target").values.astype("float32")
labels = df["target"].values.astype("int64")

ds = tf.data.Dataset.from_tensor_slices((features, labels))
n_train = int(len(df) * 2 // 3)          # 2/3 train, 1/3 test
train_ds = ds.take(n_train).shuffle(n_train).batch(16)
test_ds = ds.skip(n_train).batch(16)

norm = layers.Normalization()
norm.adapt(train_ds.map(lambda x, y: x))

model = keras.Sequential([
    keras.Input(shape=(4,)),
    norm,
    layers.Dense(16, activation="relu"),
    layers.Dense(3, activation="softmax"),
])
model.compile(optimizer=keras.optimizers.Adam(1e-2), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
history = model.fit(train_ds, epochs=40, verbose=0)
print("final train accuracy: %.3f" % history.history["accuracy"][-1])

loss, acc = model.evaluate(test_ds, verbose=0)
print("test loss %.3f  test accuracy %.3f" % (loss, acc))
y_true = np.concatenate([y.numpy() for _, y in test_ds])
y_pred = model.predict(test_ds, verbose=0).argmax(1)
print("test labels     :", np.bincount(y_true, minlength=3))
print("test predictions:", np.bincount(y_pred, minlength=3))
