"""Keras: a user writes a tf.GradientTape training loop for the digits but indents the gradient/apply_gradients lines outside the batch loop, so only one optimizer step is taken per epoch and the model is left far from trained."""
import numpy as np
import tensorflow as tf
import keras
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

keras.utils.set_random_seed(8)

X, y = load_digits(return_X_y=True)
X = (X / 16.0).astype("float32")
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=8)

train_ds = tf.data.Dataset.from_tensor_slices((X_train, y_train)).shuffle(2000, seed=8).batch(32)

model = keras.Sequential([
    keras.Input(shape=(64,)),
    keras.layers.Dense(64, activation="relu"),
    keras.layers.Dense(10),
])
loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
optimizer = keras.optimizers.Adam(learning_rate=1e-3)
train_acc = keras.metrics.SparseCategoricalAccuracy()

for epoch in range(10):
    train_acc.reset_state()
    for xb, yb in train_ds:
        with tf.GradientTape() as tape:
            logits = model(xb, training=True)
            loss = loss_fn(yb, logits)
        train_acc.update_state(yb, logits)
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(grads, model.trainable_variables))
    if epoch % 3 == 0 or epoch == 9:
        print(f"epoch {epoch}: loss={float(loss):.4f} train_acc={float(train_acc.result()):.4f}")

test_logits = model(X_test, training=False)
test_acc = np.mean(np.argmax(test_logits, axis=1) == y_test)
print(f"test accuracy: {test_acc:.4f}")
