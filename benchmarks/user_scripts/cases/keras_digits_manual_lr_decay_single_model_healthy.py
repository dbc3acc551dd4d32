"""Digits MLP with my own per-epoch learning-rate decay: I build the model once and
then loop over the epochs myself, setting the optimizer's learning rate before each
fit(epochs=1). Sharing as an example of a hand-written schedule.
"""
import numpy as np
import keras
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

np.random.seed(21)
keras.utils.set_random_seed(21)

X, y = load_digits(return_X_y=True)
X = (X / 16.0).astype("float32")
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2,
                                                    stratify=y, random_state=21)


def build_model(lr):
    model = keras.Sequential([
        keras.Input(shape=(64,)),
        keras.layers.Dense(128, activation="relu"),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(10, activation="softmax"),
    ])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=lr, momentum=0.9),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


EPOCHS = 6
model = build_model(0.05)
for epoch in range(EPOCHS):
    lr = 0.05 * 0.8 ** epoch
    model.optimizer.learning_rate.assign(lr)
    hist = model.fit(X_train, y_train, epochs=1, batch_size=128, verbose=0)
    print(f"epoch {epoch + 1}: lr={lr:.4f} loss={hist.history['loss'][0]:.3f}")

print(f"test acc: {model.evaluate(X_test, y_test, verbose=0)[1]:.3f}")
