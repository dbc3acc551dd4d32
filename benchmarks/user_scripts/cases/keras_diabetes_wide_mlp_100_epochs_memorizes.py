"""Keras: a three-layer 512-unit MLP with no regularization or early stopping is trained for 100 epochs on the 309 training rows of the diabetes data and memorizes them (train R^2 near 1, validation R^2 near 0)."""
import keras
from keras import layers
from sklearn.datasets import load_diabetes
from sklearn.metrics import r2_score
from sklearn.model_selection import train_test_split

keras.utils.set_random_seed(0)

X, y = load_diabetes(return_X_y=True)
X = ((X - X.mean(axis=0)) / X.std(axis=0)).astype("float32")
y = ((y - y.mean()) / y.std()).astype("float32")
x_train, x_val, y_train, y_val = train_test_split(X, y, test_size=0.3, random_state=0)

inputs = keras.Input(shape=(X.shape[1],))
h = layers.Dense(512, activation="relu")(inputs)
h = layers.Dense(512, activation="relu")(h)
h = layers.Dense(512, activation="relu")(h)
outputs = layers.Dense(1)(h)
model = keras.Model(inputs, outputs)

model.compile(optimizer="adam", loss="mse")
history = model.fit(x_train, y_train, epochs=100, batch_size=32,
                    validation_data=(x_val, y_val), verbose=0)
print("final train MSE:", round(history.history["loss"][-1], 4),
      "final val MSE:", round(history.history["val_loss"][-1], 4))

train_r2 = r2_score(y_train, model.predict(x_train, verbose=0).ravel())
val_r2 = r2_score(y_val, model.predict(x_val, verbose=0).ravel())
print("train R^2:", round(train_r2, 3), "validation R^2:", round(val_r2, 3))
