"""Keras: tanh on the output layer of a 3-class classifier, sparse categorical cross-entropy."""
import keras
from sklearn.datasets import load_wine
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

keras.utils.set_random_seed(9)
x, y = load_wine(return_X_y=True)
x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.25, random_state=9, stratify=y)
sc = StandardScaler().fit(x_train)
model = keras.Sequential([keras.Input((13,)), keras.layers.Dense(16, activation="relu"),
                          keras.layers.Dense(3, activation="tanh")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(sc.transform(x_train), y_train, epochs=30, batch_size=16, verbose=0)
print("test accuracy", model.evaluate(sc.transform(x_test), y_test, verbose=0)[1])
