"""Keras: linear output layer but the loss expects probabilities (from_logits missing)."""
import keras
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

keras.utils.set_random_seed(2)
x, y = load_digits(return_X_y=True)
x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.2, random_state=2)
sc = StandardScaler().fit(x_train)
x_train, x_test = sc.transform(x_train), sc.transform(x_test)
model = keras.Sequential([keras.Input((64,)), keras.layers.Dense(64, activation="relu"),
                          keras.layers.Dense(10)])
model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(x_train, y_train, epochs=10, batch_size=32, verbose=0)
print("test accuracy", model.evaluate(x_test, y_test, verbose=0)[1])
