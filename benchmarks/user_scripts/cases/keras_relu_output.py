"""Keras: ReLU on the output layer of a classifier, sparse categorical cross-entropy."""
import keras
from sklearn.datasets import load_wine
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

keras.utils.set_random_seed(41)
x, y = load_wine(return_X_y=True)
x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.25, random_state=41, stratify=y)
sc = StandardScaler().fit(x_train)
x_train, x_test = sc.transform(x_train), sc.transform(x_test)
model = keras.Sequential([keras.Input((13,)), keras.layers.Dense(16, activation="relu"),
                          keras.layers.Dense(3, activation="relu")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(x_train, y_train, epochs=30, batch_size=16, verbose=0)
print("test accuracy", model.evaluate(x_test, y_test, verbose=0)[1])
