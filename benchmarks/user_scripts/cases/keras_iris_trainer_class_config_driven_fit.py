"""Config-driven Trainer class for a Keras iris classifier.

I wrapped model building and training in a small Trainer class so I can
drive experiments from a config dict. The config says 150 epochs, but the
results are awful: the final training loss is still ~1.1 (about where
it starts) and the test accuracy is below 50%, on iris, which every
tutorial gets to ~95%+. Changing the number of epochs in the config
makes no difference at all, which is weird.
"""
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np
import keras
from keras import layers
from sklearn.datasets import load_iris
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

CONFIG = {
    "seed": 1,
    "hidden_units": [16, 16],
    "activation": "relu",
    "learning_rate": 1e-3,
    "epochs": 150,
    "test_size": 0.2,
}


class Trainer:
    def __init__(self, cfg):
        self.cfg = cfg
        self.scaler = StandardScaler()
        self.model = None
        self.history = None

    def _build(self, n_in, n_out):
        model = keras.Sequential([keras.Input(shape=(n_in,))])
        for units in self.cfg["hidden_units"]:
            model.add(layers.Dense(units, activation=self.cfg["activation"]))
        model.add(layers.Dense(n_out, activation="softmax"))
        model.compile(
            optimizer=keras.optimizers.Adam(self.cfg["learning_rate"]),
            loss="sparse_categorical_crossentropy",
            metrics=["accuracy"],
        )
        return model

    def fit(self, X, y):
        X = self.scaler.fit_transform(X)
        self.model = self._build(X.shape[1], len(np.unique(y)))
        self.history = self.model.fit(X, y, self.cfg["epochs"], verbose=0)
        return self

    def evaluate(self, X, y):
        X = self.scaler.transform(X)
        return self.model.evaluate(X, y, verbose=0)

    def report(self):
        losses = self.history.history["loss"]
        accs = self.history.history["accuracy"]
        print(f"final train loss {losses[-1]:.4f}  train acc {accs[-1]:.3f}")


def main(cfg):
    keras.utils.set_random_seed(cfg["seed"])
    X, y = load_iris(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=cfg["test_size"], random_state=cfg["seed"], stratify=y)

    trainer = Trainer(cfg).fit(X_train, y_train)
    trainer.report()
    test_loss, test_acc = trainer.evaluate(X_test, y_test)
    print(f"test loss {test_loss:.4f}  test accuracy {test_acc:.3f}")


if __name__ == "__main__":
    main(CONFIG)
