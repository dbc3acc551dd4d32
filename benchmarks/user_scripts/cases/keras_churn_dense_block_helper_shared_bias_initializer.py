"""Churn-style binary classifier (synthetic, about 10% positives). I read that you
should initialise the bias to the log-odds of the positive rate, so I added it to the
kwargs of my dense_block() helper. Since then the model outputs the same probability
for every customer and the loss stays flat. Was the bias tip wrong?
"""
import numpy as np
import keras
from sklearn.datasets import make_classification
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

np.random.seed(5)
keras.utils.set_random_seed(5)

X, y = make_classification(n_samples=1500, n_features=20, n_informative=8,
                           weights=[0.9, 0.1], class_sep=1.2, random_state=5)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25,
                                                    stratify=y, random_state=5)
scaler = StandardScaler().fit(X_train)
X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)

pos_rate = y_train.mean()
prior_bias = float(np.log(pos_rate / (1 - pos_rate)))      # about -2.2
LAYER_KW = dict(kernel_initializer="he_normal",
                bias_initializer=keras.initializers.Constant(prior_bias))


def dense_block(x, units, **kw):
    x = keras.layers.Dense(units, **LAYER_KW, **kw)(x)
    return keras.layers.Activation("relu")(x)


inputs = keras.Input(shape=(20,))
x = dense_block(inputs, 64)
x = dense_block(x, 64)
x = dense_block(x, 32)
outputs = keras.layers.Dense(1, activation="sigmoid", **LAYER_KW)(x)
model = keras.Model(inputs, outputs)
model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="binary_crossentropy",
              metrics=["accuracy"])

hist = model.fit(X_train, y_train, epochs=15, batch_size=32, verbose=0)
print(f"loss epoch 1: {hist.history['loss'][0]:.4f}   "
      f"epoch 15: {hist.history['loss'][-1]:.4f}")
proba = model.predict(X_test, verbose=0).ravel()
print(f"test accuracy {np.mean((proba > 0.5) == y_test):.3f} "
      f"(majority share {1 - y_test.mean():.3f})   AUC {roc_auc_score(y_test, proba):.3f}")
print(f"distinct predicted probabilities: {np.unique(proba.round(4)).size}")
