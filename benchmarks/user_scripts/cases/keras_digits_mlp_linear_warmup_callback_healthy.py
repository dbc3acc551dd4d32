"""
Digit classifier (sklearn 8x8 digits) with a plain MLP. I read that a short linear
learning-rate warmup makes Adam more stable, so I added a LearningRateScheduler
callback that ramps the LR up over the first epochs and then keeps it constant.

Problem: training barely moves. Loss starts at ~2.32 and after 25 epochs it is
still 2.27; test accuracy ends at ~0.12. Without any callback a notebook
version of this got >0.95 in a few epochs. I tried a bigger batch size and more
units, it barely changes anything.
"""
import os
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras
from keras import layers
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

BASE_LR = 1e-3
WARMUP_EPOCHS = 10
EPOCHS = 25

keras.utils.set_random_seed(0)
digits = load_digits()
X = (digits.data / 16.0).astype("float32")
y = digits.target
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.25, stratify=y, random_state=0)


def linear_warmup(warmup_epochs):
    def schedule(epoch, lr):
        if epoch < warmup_epochs:
            return BASE_LR * (epoch + 1) / warmup_epochs
        return BASE_LR
    return schedule


model = keras.Sequential([
    keras.Input(shape=(64,)),
    layers.Dense(128, activation="relu"),
    layers.Dense(64, activation="relu"),
    layers.Dense(10, activation="softmax"),
])
model.compile(optimizer=keras.optimizers.Adam(learning_rate=BASE_LR),
              loss="sparse_categorical_crossentropy", metrics=["accuracy"])

callbacks = [keras.callbacks.LearningRateScheduler(linear_warmup(WARMUP_EPOCHS))]
hist = model.fit(X_train, y_train, validation_split=0.1, epochs=EPOCHS,
                 batch_size=64, callbacks=callbacks, verbose=0)
for ep in (0, 4, 9, EPOCHS - 1):
    print(f"epoch {ep + 1:2d} loss {hist.history['loss'][ep]:.3f} "
          f"val_acc {hist.history['val_accuracy'][ep]:.3f} lr {hist.history['learning_rate'][ep]:.2e}")

loss, acc = model.evaluate(X_test, y_test, verbose=0)
print(f"test accuracy: {acc:.3f}")
