"""Keras: two softmax units with binary cross-entropy and 0/1 labels."""
import keras
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

keras.utils.set_random_seed(16)
x, y = load_breast_cancer(return_X_y=True)
x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.25, random_state=16, stratify=y)
sc = StandardScaler().fit(x_train)
x_train, x_test = sc.transform(x_train), sc.transform(x_test)
model = keras.Sequential([keras.Input((30,)), keras.layers.Dense(16, activation="relu"),
                          keras.layers.Dense(2, activation="softmax")])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(x_train, y_train, epochs=20, batch_size=32, verbose=0)
pred = model.predict(x_test, verbose=0).argmax(axis=1)
print("test accuracy", (pred == y_test).mean())
