"""Bug: a tf.data pipeline into fit(), and one output unit with softmax (always 1.0)."""
import tensorflow as tf
import keras
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

keras.utils.set_random_seed(13)
x, y = load_breast_cancer(return_X_y=True)
x_train, x_val, y_train, y_val = train_test_split(x, y, test_size=0.25, random_state=13, stratify=y)
sc = StandardScaler().fit(x_train)
train = tf.data.Dataset.from_tensor_slices((sc.transform(x_train).astype("float32"), y_train)).shuffle(512).batch(32)
val = tf.data.Dataset.from_tensor_slices((sc.transform(x_val).astype("float32"), y_val)).batch(64)
model = keras.Sequential([keras.Input((30,)), keras.layers.Dense(16, activation="relu"),
                          keras.layers.Dense(1, activation="softmax")])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(train, validation_data=val, epochs=5, verbose=0)
print("val accuracy", model.evaluate(val, verbose=0)[1])
