"""Keras: scaled for training, and the test set is scaled the same way."""
import keras
from sklearn.datasets import load_wine
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

keras.utils.set_random_seed(11)
x, y = load_wine(return_X_y=True)
x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.25, random_state=11, stratify=y)
scaler = StandardScaler()
x_train_s = scaler.fit_transform(x_train)
model = keras.Sequential([keras.Input((13,)), keras.layers.Dense(32, activation="relu"),
                          keras.layers.Dense(3, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(x_train_s, y_train, epochs=30, batch_size=16, verbose=0)
pred = model.predict(scaler.transform(x_test), verbose=0).argmax(axis=1)
print("test accuracy", (pred == y_test).mean())
