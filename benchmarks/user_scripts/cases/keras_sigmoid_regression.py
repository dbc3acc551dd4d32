"""Keras: standardized regression targets, but a sigmoid output unit."""
import keras
from sklearn.datasets import load_diabetes
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

keras.utils.set_random_seed(31)
x, y = load_diabetes(return_X_y=True)
y = (y - y.mean()) / y.std()
x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.25, random_state=31)
sc = StandardScaler().fit(x_train)
x_train, x_test = sc.transform(x_train), sc.transform(x_test)
model = keras.Sequential([keras.Input((10,)), keras.layers.Dense(32, activation="relu"),
                          keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="mse")
model.fit(x_train, y_train, validation_data=(x_test, y_test), epochs=50, batch_size=32, verbose=0)
print("test mse", model.evaluate(x_test, y_test, verbose=0))
