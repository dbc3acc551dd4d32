"""Custom train_step in a subclassed keras.Model with optional gradient clipping
(the pattern from the Keras guide) on the breast cancer data. Just checking that
my own training step trains as well as plain fit() before I add more to it.
"""
import numpy as np
import tensorflow as tf
import keras
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

np.random.seed(0)
keras.utils.set_random_seed(0)


class ClippedClassifier(keras.Model):
    def __init__(self, clip_norm=None, **kwargs):
        super().__init__(**kwargs)
        self.clip_norm = clip_norm
        self.hidden1 = keras.layers.Dense(32, activation="relu")
        self.hidden2 = keras.layers.Dense(16, activation="relu")
        self.out = keras.layers.Dense(1, activation="sigmoid")

    def call(self, x, training=False):
        return self.out(self.hidden2(self.hidden1(x)))

    def train_step(self, data):
        x, y = data
        with tf.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compute_loss(x=x, y=y, y_pred=y_pred)
        grads = tape.gradient(loss, self.trainable_variables)
        if self.clip_norm is not None:
            grads, _ = tf.clip_by_global_norm(grads, self.clip_norm)
        self.optimizer.apply_gradients(zip(grads, self.trainable_variables))
        for metric in self.metrics:
            if metric.name == "loss":
                metric.update_state(loss)
            else:
                metric.update_state(y, y_pred)
        return {m.name: m.result() for m in self.metrics}


data = load_breast_cancer()
X_train, X_test, y_train, y_test = train_test_split(
    data.data, data.target.astype("float32"), test_size=0.25,
    stratify=data.target, random_state=0)
scaler = StandardScaler().fit(X_train)
X_train = scaler.transform(X_train).astype("float32")
X_test = scaler.transform(X_test).astype("float32")

model = ClippedClassifier()          # no clipping for this run
model.compile(optimizer=keras.optimizers.Adam(1e-3),
              loss="binary_crossentropy", metrics=["accuracy"])
hist = model.fit(X_train, y_train, epochs=15, batch_size=32, verbose=0)
for e in (0, 4, 9, 14):
    print(f"epoch {e + 1}: loss={hist.history['loss'][e]:.4f} "
          f"acc={hist.history['accuracy'][e]:.3f}")

test_loss, test_acc = model.evaluate(X_test, y_test, verbose=0)
print(f"test accuracy: {test_acc:.3f}")
