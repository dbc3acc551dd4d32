"""Simple 3-class wine classifier with the Keras functional API. Training accuracy
creeps up slowly but validation and test accuracy hover around 33%, i.e. random
guessing, no matter how long I train or how I change the layers. Wine is supposed
to be an easy dataset, what is going on?
"""
import numpy as np
import pandas as pd
import keras
from sklearn.datasets import load_wine
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

np.random.seed(7)
keras.utils.set_random_seed(7)

wine = load_wine()
df = pd.DataFrame(wine.data, columns=wine.feature_names)
df["cultivar"] = wine.target

X = df.drop(columns="cultivar").values
y = df["cultivar"].values

# split features and labels into train / test
X_train, X_test = train_test_split(X, test_size=0.25)
y_train, y_test = train_test_split(y, test_size=0.25)

scaler = StandardScaler()
X_train = scaler.fit_transform(X_train)
X_test = scaler.transform(X_test)

inputs = keras.Input(shape=(X_train.shape[1],))
h = keras.layers.Dense(32, activation="relu")(inputs)
h = keras.layers.Dropout(0.2)(h)
h = keras.layers.Dense(16, activation="relu")(h)
outputs = keras.layers.Dense(3, activation="softmax")(h)
model = keras.Model(inputs, outputs)
model.compile(optimizer=keras.optimizers.Adam(1e-3),
              loss="sparse_categorical_crossentropy", metrics=["accuracy"])

hist = model.fit(X_train, y_train, validation_split=0.2, epochs=12,
                 batch_size=8, verbose=0)
print(f"train acc {hist.history['accuracy'][-1]:.3f}  "
      f"val acc {hist.history['val_accuracy'][-1]:.3f}")
print(f"test acc {model.evaluate(X_test, y_test, verbose=0)[1]:.3f}")
