"""Digits MLP with EarlyStopping(monitor="val_loss", mode="max", restore_best_weights=True): the wrong mode treats the falling validation loss as getting worse, stops after a few epochs and restores the first-epoch weights."""
import numpy as np
import keras
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

keras.utils.set_random_seed(0)

X, y = load_digits(return_X_y=True)
X = X / 16.0
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=0, stratify=y)

model = keras.Sequential([
    keras.Input(shape=(64,)),
    keras.layers.Dense(64, activation="relu"),
    keras.layers.Dense(32, activation="relu"),
    keras.layers.Dense(10, activation="softmax"),
])
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05), loss="sparse_categorical_crossentropy",
              metrics=["accuracy"])

early_stop = keras.callbacks.EarlyStopping(monitor="val_loss", mode="max", patience=5, restore_best_weights=True)
history = model.fit(X_train, y_train, epochs=40, batch_size=32, validation_split=0.15,
                    callbacks=[early_stop], verbose=0)

print(f"trained for {len(history.history['loss'])} epochs")
print("val_loss first 6 epochs:", np.round(history.history["val_loss"][:6], 3), " last:", round(history.history["val_loss"][-1], 3))
loss, acc = model.evaluate(X_test, y_test, verbose=0)
print(f"test loss {loss:.3f}  test accuracy {acc:.3f}")
