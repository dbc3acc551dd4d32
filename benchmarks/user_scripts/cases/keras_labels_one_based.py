"""Keras: labels 1..3 (wine classes read from a file) with three output units."""
import keras
from sklearn.datasets import load_wine
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

keras.utils.set_random_seed(8)
x, y = load_wine(return_X_y=True)
y = y + 1
x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.25, random_state=8)
sc = StandardScaler().fit(x_train)
x_train, x_test = sc.transform(x_train), sc.transform(x_test)
model = keras.Sequential([keras.Input((13,)), keras.layers.Dense(32, activation="relu"),
                          keras.layers.Dense(3, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(x_train, y_train, epochs=20, batch_size=16, verbose=0)
print("test accuracy", model.evaluate(x_test, y_test, verbose=0)[1])
