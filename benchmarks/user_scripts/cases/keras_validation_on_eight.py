"""Keras: the user keeps 8 samples for validation and picks the model by their accuracy."""
import keras
from sklearn.datasets import load_iris
from sklearn.preprocessing import StandardScaler
from sklearn.utils import shuffle

keras.utils.set_random_seed(12)
x, y = load_iris(return_X_y=True)
x, y = shuffle(StandardScaler().fit_transform(x), y, random_state=12)
x_val, y_val, x_train, y_train = x[:8], y[:8], x[8:], y[8:]
model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(16, activation="relu"),
                          keras.layers.Dense(3, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
history = model.fit(x_train, y_train, epochs=20, batch_size=16, validation_data=(x_val, y_val), verbose=0)
print("val accuracy", history.history["val_accuracy"][-1])
