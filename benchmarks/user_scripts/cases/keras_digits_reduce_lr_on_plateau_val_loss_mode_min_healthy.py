"""healthy: digits MLP with SGD and a ReduceLROnPlateau callback on val_loss with mode="min", which only lowers the learning rate when validation loss really stalls."""
import numpy as np
import keras
from keras import layers
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

keras.utils.set_random_seed(5)

X, y = load_digits(return_X_y=True)
X = (X / 16.0).astype("float32")
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=5, stratify=y)

model = keras.Sequential([
    keras.Input(shape=(64,)),
    layers.Dense(64, activation="relu"),
    layers.Dense(32, activation="relu"),
    layers.Dense(10, activation="softmax"),
])
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.01), loss="sparse_categorical_crossentropy",
              metrics=["accuracy"])

reduce_lr = keras.callbacks.ReduceLROnPlateau(monitor="val_loss", mode="min", factor=0.2, patience=1, min_lr=1e-7)
history = model.fit(X_train, y_train, epochs=30, batch_size=32, validation_split=0.15,
                    callbacks=[reduce_lr], verbose=0)

print("learning rate per 5 epochs:", [float("%.2g" % v) for v in history.history["learning_rate"][::5]])
print("val loss per 5 epochs:", np.round(history.history["val_loss"][::5], 3))
loss, acc = model.evaluate(X_test, y_test, verbose=0)
print("test loss %.3f  test accuracy %.3f" % (loss, acc))
print("predictions:", model.predict(X_test[:12], verbose=0).argmax(1))
print("true labels:", y_test[:12])
