"""Keras: a functional-API model with a residual connection on wine, standardized (healthy)."""
import keras
from sklearn.datasets import load_wine
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

keras.utils.set_random_seed(29)
x, y = load_wine(return_X_y=True)
x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.3, random_state=29, stratify=y)
scaler = StandardScaler().fit(x_train)
x_train, x_test = scaler.transform(x_train), scaler.transform(x_test)
inputs = keras.Input((13,))
h = keras.layers.Dense(32, activation="relu")(inputs)
h = keras.layers.Add()([h, keras.layers.Dense(32, activation="relu")(h)])
outputs = keras.layers.Dense(3, activation="softmax")(h)
model = keras.Model(inputs, outputs)
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(x_train, y_train, epochs=40, batch_size=16, validation_split=0.2, verbose=0)
print("test accuracy", model.evaluate(x_test, y_test, verbose=0)[1])
