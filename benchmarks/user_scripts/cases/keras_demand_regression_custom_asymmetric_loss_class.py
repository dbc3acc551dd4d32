"""Demand-forecasting style regression: under-forecasting costs us more than
over-forecasting, so I wrote an asymmetric squared-error Loss subclass. With it the
network predicts nearly the same number for every row and R^2 on the test set is ~0.
With plain loss="mse" a quick test looked fine. Is my loss wrong?
"""
import numpy as np
import keras
from keras import ops
from sklearn.datasets import make_regression
from sklearn.metrics import r2_score
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

np.random.seed(3)
keras.utils.set_random_seed(3)


class AsymmetricMSE(keras.losses.Loss):
    """Squared error, with under-predictions weighted `under_weight` times more."""

    def __init__(self, under_weight=2.0, name="asymmetric_mse"):
        super().__init__(name=name)
        self.under_weight = under_weight

    def call(self, y_true, y_pred):
        err = y_true - y_pred
        weight = ops.where(err > 0, self.under_weight, 1.0)
        return ops.mean(weight * ops.square(err), axis=-1)


X, y = make_regression(n_samples=1000, n_features=8, n_informative=6,
                       noise=10.0, random_state=3)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2,
                                                    random_state=3)
x_scaler = StandardScaler().fit(X_train)
y_mean, y_std = y_train.mean(), y_train.std()
X_train_s = x_scaler.transform(X_train).astype("float32")
X_test_s = x_scaler.transform(X_test).astype("float32")
y_train_s = ((y_train - y_mean) / y_std).astype("float32")

model = keras.Sequential([
    keras.Input(shape=(8,)),
    keras.layers.Dense(64, activation="relu"),
    keras.layers.Dense(32, activation="relu"),
    keras.layers.Dense(1),
])
model.compile(optimizer=keras.optimizers.Adam(1e-3), loss=AsymmetricMSE(2.0))
hist = model.fit(X_train_s, y_train_s, epochs=15, batch_size=32, verbose=0)
print(f"train loss: first epoch {hist.history['loss'][0]:.3f}, "
      f"last epoch {hist.history['loss'][-1]:.3f}")

pred = model.predict(X_test_s, verbose=0).ravel() * y_std + y_mean
print(f"test R^2: {r2_score(y_test, pred):.3f}   "
      f"prediction std: {pred.std():.2f} (target std {y_test.std():.2f})")
