"""Disease-progression regression on sklearn's diabetes data (Keras).

Features and target are standardized. I use plain SGD with momentum and a
"sum" reduction in the MSE loss, because with mean reduction the smaller
last batch of every epoch got the same weight as a full batch. The
learning rate 0.01 is the value from the course notebook. The loss jumps
around wildly for a few steps and then becomes inf/nan, and the final
predictions are garbage (R^2 is hugely negative or nan).
"""
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np
import keras
from keras import layers
from sklearn.datasets import load_diabetes
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

HPARAMS = dict(lr=0.01, momentum=0.9, batch_size=64, epochs=40, hidden=(64, 32))
SEED = 0


class EpochPrinter(keras.callbacks.Callback):
    def __init__(self, every=5):
        super().__init__()
        self.every = every

    def on_epoch_end(self, epoch, logs=None):
        if epoch % self.every == 0 or epoch == self.params["epochs"] - 1:
            print(f"epoch {epoch + 1:3d}  loss {logs['loss']:.4g}  val_loss {logs['val_loss']:.4g}")


def build_regressor(n_in, hidden, lr, momentum):
    model = keras.Sequential([keras.Input(shape=(n_in,))])
    for h in hidden:
        model.add(layers.Dense(h, activation="relu"))
    model.add(layers.Dense(1))
    model.compile(
        optimizer=keras.optimizers.SGD(learning_rate=lr, momentum=momentum),
        loss=keras.losses.MeanSquaredError(reduction="sum"),
        metrics=["mae"],
    )
    return model


def r2(y_true, y_pred):
    ss_res = np.sum((y_true - y_pred) ** 2)
    ss_tot = np.sum((y_true - y_true.mean()) ** 2)
    return 1.0 - ss_res / ss_tot


def main(hp):
    keras.utils.set_random_seed(SEED)
    X, y = load_diabetes(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=SEED)

    x_scaler = StandardScaler().fit(X_train)
    y_scaler = StandardScaler().fit(y_train.reshape(-1, 1))
    X_train, X_test = x_scaler.transform(X_train), x_scaler.transform(X_test)
    y_train_s = y_scaler.transform(y_train.reshape(-1, 1)).astype("float32")
    y_test_s = y_scaler.transform(y_test.reshape(-1, 1)).astype("float32")

    model = build_regressor(X_train.shape[1], hp["hidden"], hp["lr"], hp["momentum"])
    model.fit(X_train.astype("float32"), y_train_s,
              validation_data=(X_test.astype("float32"), y_test_s),
              epochs=hp["epochs"], batch_size=hp["batch_size"],
              verbose=0, callbacks=[EpochPrinter()])

    pred = y_scaler.inverse_transform(model.predict(X_test.astype("float32"), verbose=0)).ravel()
    print(f"test MAE {np.mean(np.abs(pred - y_test)):.2f}  test R^2 {r2(y_test, pred):.3f}")


if __name__ == "__main__":
    main(HPARAMS)
