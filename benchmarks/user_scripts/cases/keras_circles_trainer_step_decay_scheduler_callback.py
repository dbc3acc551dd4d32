"""make_circles with a small tanh MLP and a step-decay learning-rate schedule.

I wrapped my Keras code in a small Trainer class with a step-decay schedule
(halve the LR every 10 epochs), like in the CIFAR tutorials.  The loss drops
in the first ~10 epochs and then freezes at ~0.55 for the rest of training,
test accuracy ~0.86.  The inner circle is clearly learnable (a kNN gets ~99%),
so why does training just stop improving?
"""
import keras
from sklearn.datasets import make_circles
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

CONFIG = {"lr": 0.01, "momentum": 0.9, "drop_every": 10, "drop_factor": 0.5,
          "epochs": 40, "batch_size": 32, "hidden": [32, 32], "seed": 0}


class Trainer:
    def __init__(self, cfg):
        self.cfg = cfg
        keras.utils.set_random_seed(cfg["seed"])
        self.model = self._build()

    def _build(self):
        model = keras.Sequential([keras.Input(shape=(2,))])
        for units in self.cfg["hidden"]:
            model.add(keras.layers.Dense(units, activation="tanh"))
        model.add(keras.layers.Dense(1, activation="sigmoid"))
        model.compile(optimizer=keras.optimizers.SGD(learning_rate=self.cfg["lr"],
                                                             momentum=self.cfg["momentum"]),
                      loss="binary_crossentropy", metrics=["accuracy"])
        return model

    def step_decay(self, epoch, lr):
        return lr * self.cfg["drop_factor"] ** (epoch // self.cfg["drop_every"])

    def fit(self, X, y):
        callbacks = [
            keras.callbacks.LearningRateScheduler(self.step_decay),
            keras.callbacks.LambdaCallback(on_epoch_end=self._log),
        ]
        return self.model.fit(X, y, epochs=self.cfg["epochs"], batch_size=self.cfg["batch_size"],
                              validation_split=0.1, callbacks=callbacks, verbose=0)

    def _log(self, epoch, logs):
        if epoch % 10 == 0 or epoch == self.cfg["epochs"] - 1:
            print(f"epoch {epoch + 1:2d} loss {logs['loss']:.4f} "
                  f"val_acc {logs['val_accuracy']:.3f}")

    def evaluate(self, X, y):
        return self.model.evaluate(X, y, verbose=0)


X, y = make_circles(n_samples=1000, noise=0.1, factor=0.5, random_state=1)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=0)
scaler = StandardScaler().fit(X_train)
X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)

trainer = Trainer(CONFIG)
trainer.fit(X_train, y_train)
loss, acc = trainer.evaluate(X_test, y_test)
print(f"test loss {loss:.4f}  test accuracy {acc:.3f}")
