"""Cross-validating a small Keras MLP on the wine data set.

3-fold cross-validation: for every fold I fit a scaler on the training part,
train a fresh model and score it on the held-out part, then report the mean
and spread of the held-out accuracy.
"""
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np
import keras
from keras import layers
from sklearn.datasets import load_wine
from sklearn.model_selection import KFold
from sklearn.preprocessing import StandardScaler

CONFIG = {
    "n_folds": 3,
    "hidden": 32,
    "epochs": 30,
    "batch_size": 32,
    "lr": 3e-3,
    "seed": 7,
}


def build_model(n_features, n_classes, hidden, lr):
    model = keras.Sequential(
        [
            keras.Input(shape=(n_features,)),
            layers.Dense(hidden, activation="relu"),
            layers.Dense(hidden, activation="relu"),
            layers.Dense(n_classes, activation="softmax"),
        ]
    )
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=lr),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model


def run_fold(fold, X_tr, y_tr, X_va, y_va, cfg):
    scaler = StandardScaler().fit(X_tr)
    X_tr = scaler.transform(X_tr)
    X_va = scaler.transform(X_va)
    model = build_model(X_tr.shape[1], 3, cfg["hidden"], cfg["lr"])
    hist = model.fit(
        X_tr, y_tr,
        epochs=cfg["epochs"],
        batch_size=cfg["batch_size"],
        verbose=0,
    )
    _, val_acc = model.evaluate(X_va, y_va, verbose=0)
    print(
        f"fold {fold}: train loss {hist.history['loss'][-1]:.4f} "
        f"train acc {hist.history['accuracy'][-1]:.3f} | held-out acc {val_acc:.3f}"
    )
    return val_acc


def main(cfg):
    keras.utils.set_random_seed(cfg["seed"])
    data = load_wine()
    X = data.data.astype("float32")
    y = data.target.astype("int64")
    print("samples:", X.shape[0], "features:", X.shape[1])

    kf = KFold(n_splits=cfg["n_folds"], shuffle=True, random_state=cfg["seed"])
    scores = []
    for fold, (tr_idx, va_idx) in enumerate(kf.split(X)):
        scores.append(run_fold(fold, X[tr_idx], y[tr_idx], X[va_idx], y[va_idx], cfg))

    print(f"CV accuracy: {np.mean(scores):.3f} +/- {np.std(scores):.3f}")


if __name__ == "__main__":
    main(CONFIG)
