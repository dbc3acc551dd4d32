"""Keras: ten classes, one-hot labels, softmax output, but binary_crossentropy: 'accuracy' reads 90%+."""
import keras
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

keras.utils.set_random_seed(40)
x, y = load_digits(return_X_y=True)
y = keras.utils.to_categorical(y, 10)
x_train, x_test, y_train, y_test = train_test_split(x / 16.0, y, test_size=0.2, random_state=40)
model = keras.Sequential([keras.Input((64,)), keras.layers.Dense(32, activation="relu"),
                          keras.layers.Dense(10, activation="softmax")])
model.compile(optimizer=keras.optimizers.SGD(0.01), loss="binary_crossentropy", metrics=["accuracy"])
model.fit(x_train, y_train, epochs=10, batch_size=32, verbose=0)
print("test 'accuracy'", model.evaluate(x_test, y_test, verbose=0)[1])
print("true accuracy", (model.predict(x_test, verbose=0).argmax(1) == y_test.argmax(1)).mean())
