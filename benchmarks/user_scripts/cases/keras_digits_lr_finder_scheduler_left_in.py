"""Digits MLP trained with a LearningRateScheduler copied from a learning-rate range test (lr = 1e-4 * 10**(epoch/4)), left in for the real run, so the learning rate grows 10x every 4 epochs until training blows up."""
import keras
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

keras.utils.set_random_seed(0)

X, y = load_digits(return_X_y=True)
X = X / 16.0
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=0, stratify=y)

model = keras.Sequential([
    keras.Input(shape=(64,)),
    keras.layers.Dense(128, activation="relu"),
    keras.layers.Dense(64, activation="relu"),
    keras.layers.Dense(10, activation="softmax"),
])
model.compile(optimizer=keras.optimizers.Adam(), loss="sparse_categorical_crossentropy", metrics=["accuracy"])

lr_schedule = keras.callbacks.LearningRateScheduler(lambda epoch: 1e-4 * 10 ** (epoch / 4))
history = model.fit(X_train, y_train, epochs=30, batch_size=32, validation_split=0.1,
                    callbacks=[lr_schedule], verbose=0)

for e in range(0, 30, 4):
    print(f"epoch {e:2d}  lr {history.history['learning_rate'][e]:.2e}  loss {history.history['loss'][e]:.4f}  "
          f"val_acc {history.history['val_accuracy'][e]:.3f}")

loss, acc = model.evaluate(X_test, y_test, verbose=0)
print(f"test accuracy: {acc:.3f}")
print("predicted:", model.predict(X_test[:12], verbose=0).argmax(axis=1))
print("true:     ", y_test[:12])
