"""
Classifying the 3 wine cultivars (sklearn load_wine, 13 chemical measurements).
Our team has a small training utility module: build_mlp() and get_optimizer() read
from a config dict so we can sweep settings. For this dataset I switched the optimizer
in the config from "adadelta" to "adam" because everybody says Adam is the safe
default.

Now the loss is absurd (first epoch ~5000, then 1700, 670, 260, 840, ...) and the test
accuracy is ~0.61; the third cultivar is never predicted. The features
are standardized, the classes are balanced enough, and a RandomForest gets 1.0 on the
same split. With adadelta the old run was slow but reasonable. I tried more epochs and
a larger batch, and adding dropout, no luck.
"""
import os
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np
import keras
from keras import layers
from sklearn.datasets import load_wine
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

CONFIG = {
    "hidden": [64, 64, 32],
    "activation": "relu",
    "optimizer": "adam",      # was "adadelta"
    "epochs": 40,
    "batch_size": 16,
    "seed": 11,
}


def get_optimizer(name, learning_rate=1.0, **kwargs):
    name = name.lower()
    if name == "adadelta":
        return keras.optimizers.Adadelta(learning_rate=learning_rate, **kwargs)
    if name == "adam":
        return keras.optimizers.Adam(learning_rate=learning_rate, **kwargs)
    if name == "rmsprop":
        return keras.optimizers.RMSprop(learning_rate=learning_rate, **kwargs)
    if name == "sgd":
        return keras.optimizers.SGD(learning_rate=learning_rate, momentum=0.9, **kwargs)
    raise ValueError(f"unknown optimizer {name}")


def build_mlp(n_in, n_out, cfg):
    model = keras.Sequential([keras.Input(shape=(n_in,))])
    for units in cfg["hidden"]:
        model.add(layers.Dense(units, activation=cfg["activation"]))
    model.add(layers.Dense(n_out, activation="softmax"))
    model.compile(optimizer=get_optimizer(cfg["optimizer"]),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


keras.utils.set_random_seed(CONFIG["seed"])
X, y = load_wine(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.3, stratify=y, random_state=0)
scaler = StandardScaler().fit(X_train)
X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)

model = build_mlp(X.shape[1], 3, CONFIG)
hist = model.fit(X_train, y_train, epochs=CONFIG["epochs"],
                 batch_size=CONFIG["batch_size"], verbose=0)
print("loss per epoch (first 8):", np.round(hist.history["loss"][:8], 2).tolist())
print("loss last epoch:", round(hist.history["loss"][-1], 3))
pred = model.predict(X_test, verbose=0).argmax(axis=1)
print("predicted class counts:", np.bincount(pred, minlength=3).tolist())
print(f"test accuracy: {(pred == y_test).mean():.3f}")
