"""Bug: iris comes sorted by class; validation_split=0.2 takes the last 20%: class 2 only."""
import keras
from sklearn.datasets import load_iris

keras.utils.set_random_seed(0)
x, y = load_iris(return_X_y=True)  # rows ordered by class: 50 x 0, 50 x 1, 50 x 2

model = keras.Sequential([
    keras.Input((4,)),
    keras.layers.Dense(16, activation="relu"),
    keras.layers.Dense(3, activation="softmax"),
])
model.compile(optimizer=keras.optimizers.Adam(1e-2), loss="sparse_categorical_crossentropy",
              metrics=["accuracy"])
history = model.fit(x, y, validation_split=0.2, epochs=20, batch_size=16, verbose=0)
print(f"val accuracy: {history.history['val_accuracy'][-1]:.3f}")
