"""Keras: every layer initialised with RandomNormal(stddev=1.0) ("bigger weights learn faster"), tanh."""
import keras
from sklearn.datasets import load_wine
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

keras.utils.set_random_seed(9)
x, y = load_wine(return_X_y=True)
x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.25, random_state=9, stratify=y)
scaler = StandardScaler().fit(x_train)
x_train, x_test = scaler.transform(x_train), scaler.transform(x_test)
init = keras.initializers.RandomNormal(stddev=1.0)
model = keras.Sequential([keras.Input((13,))]
                         + [keras.layers.Dense(128, activation="tanh", kernel_initializer=init) for _ in range(5)]
                         + [keras.layers.Dense(3, activation="softmax", kernel_initializer=init)])
model.compile(optimizer=keras.optimizers.SGD(0.01), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(x_train, y_train, epochs=30, batch_size=16, verbose=0)
print("test accuracy", model.evaluate(x_test, y_test, verbose=0)[1])
