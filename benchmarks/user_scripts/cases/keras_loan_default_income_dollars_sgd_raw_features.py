"""Keras: a loan-default classifier is fed raw features in wildly different units (annual income in dollars, loan amount in dollars, age in years, debt ratio 0-1) straight into an SGD-trained MLP without any scaling."""
import numpy as np
import keras
from keras import layers
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split

keras.utils.set_random_seed(4)

Z, default = make_classification(n_samples=1200, n_features=4, n_informative=4, n_redundant=0,
                                 class_sep=1.2, random_state=4)
income = 55000 + 18000 * Z[:, 0]
loan_amount = 12000 + 5000 * Z[:, 1]
age = 42 + 11 * Z[:, 2]
debt_ratio = 1 / (1 + np.exp(-Z[:, 3]))
X = np.column_stack([income, loan_amount, age, debt_ratio]).astype("float32")

x_train, x_test, y_train, y_test = train_test_split(X, default, test_size=0.25, random_state=4, stratify=default)

model = keras.Sequential([
    keras.Input(shape=(4,)),
    layers.Dense(32, activation="relu"),
    layers.Dense(16, activation="relu"),
    layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.01), loss="binary_crossentropy", metrics=["accuracy"])
history = model.fit(x_train, y_train, epochs=40, batch_size=32, validation_split=0.2, verbose=0)
print("last training losses:", [round(v, 3) for v in history.history["loss"][-3:]])

loss, acc = model.evaluate(x_test, y_test, verbose=0)
print("test accuracy:", round(acc, 3))
