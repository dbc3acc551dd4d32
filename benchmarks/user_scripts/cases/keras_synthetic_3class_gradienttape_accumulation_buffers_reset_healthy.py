"""Gradient accumulation in a tf.GradientTape loop: I average 4 mini-batch
gradients and then apply them, to emulate a bigger batch size. Sharing the loop as
a reference; it trains a 3-class MLP on synthetic data.
"""
import numpy as np
import tensorflow as tf
import keras
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

np.random.seed(1)
keras.utils.set_random_seed(1)

X, y = make_classification(n_samples=1200, n_features=12, n_informative=6,
                           n_classes=3, n_clusters_per_class=2, flip_y=0.05,
                           class_sep=1.0, random_state=1)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25,
                                                    random_state=1)
scaler = StandardScaler().fit(X_train)
X_train = scaler.transform(X_train).astype("float32")
X_test = scaler.transform(X_test).astype("float32")

model = keras.Sequential([
    keras.Input(shape=(12,)),
    keras.layers.Dense(64, activation="relu"),
    keras.layers.Dense(32, activation="relu"),
    keras.layers.Dense(3),
])
loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
optimizer = keras.optimizers.SGD(learning_rate=0.05)

ACCUM_STEPS = 4
accum_grads = [tf.Variable(tf.zeros_like(v), trainable=False)
               for v in model.trainable_variables]


@tf.function
def accumulate(xb, yb):
    with tf.GradientTape() as tape:
        logits = model(xb, training=True)
        loss = loss_fn(yb, logits)
    grads = tape.gradient(loss, model.trainable_variables)
    for acc, g in zip(accum_grads, grads):
        acc.assign_add(g / ACCUM_STEPS)
    return loss


@tf.function
def apply_accumulated():
    optimizer.apply_gradients(zip(accum_grads, model.trainable_variables))
    for acc in accum_grads:
        acc.assign(tf.zeros_like(acc))


ds = (tf.data.Dataset.from_tensor_slices((X_train, y_train))
      .shuffle(len(X_train), seed=1).batch(16))

step = 0
for epoch in range(20):
    losses = []
    for xb, yb in ds:
        losses.append(float(accumulate(xb, yb)))
        step += 1
        if step % ACCUM_STEPS == 0:
            apply_accumulated()
    if epoch % 4 == 3:
        print(f"epoch {epoch + 1}: mean loss {np.mean(losses):.3f}")

pred = np.argmax(model.predict(X_test, verbose=0), axis=1)
print(f"test accuracy: {np.mean(pred == y_test):.3f}")
