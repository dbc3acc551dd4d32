"""I reused the small Keras wrapper class from my classification project for the
diabetes progression regression (target divided by 100 so it is around 1). The loss
printed during training goes negative and keeps falling, and the test R^2 is below
zero. How can a loss be negative, and why are the predictions so bad?
"""
import numpy as np
import keras
from sklearn.datasets import load_diabetes
from sklearn.metrics import mean_absolute_error, r2_score
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

np.random.seed(11)
keras.utils.set_random_seed(11)


class KerasNet:
    def __init__(self, n_features, hidden=(64, 32), lr=1e-3, y_scale=100.0):
        layers = [keras.Input(shape=(n_features,))]
        layers += [keras.layers.Dense(h, activation="relu") for h in hidden]
        layers.append(keras.layers.Dense(1, activation="sigmoid"))
        self.model = keras.Sequential(layers)
        self.model.compile(optimizer=keras.optimizers.Adam(lr),
                           loss="binary_crossentropy", metrics=["mae"])
        self.x_scaler = StandardScaler()
        self.y_scale = y_scale

    def fit(self, X, y, epochs=30):
        Xs = self.x_scaler.fit_transform(X)
        return self.model.fit(Xs, y / self.y_scale, epochs=epochs,
                              batch_size=16, validation_split=0.1, verbose=0)

    def predict(self, X):
        p = self.model.predict(self.x_scaler.transform(X), verbose=0)
        return p.ravel() * self.y_scale


X, y = load_diabetes(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2,
                                                    random_state=11)
net = KerasNet(X.shape[1])
hist = net.fit(X_train, y_train, epochs=15)
for e in (0, 4, 9, 14):
    print(f"epoch {e + 1}: loss {hist.history['loss'][e]:.3f}  "
          f"val_loss {hist.history['val_loss'][e]:.3f}")

pred = net.predict(X_test)
print(f"test MAE {mean_absolute_error(y_test, pred):.1f}   "
      f"test R^2 {r2_score(y_test, pred):.3f}")
