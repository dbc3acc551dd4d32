"""Custom GradientTape loop for a regression MLP where the hand-written MSE subtracts predictions of shape (batch, 1) from targets of shape (batch,), so the loss broadcasts to (batch, batch) and the model only learns the mean."""
import numpy as np
import tensorflow as tf
import keras
from sklearn.datasets import make_regression
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

keras.utils.set_random_seed(0)

X, y = make_regression(n_samples=2000, n_features=8, n_informative=6, noise=5.0, random_state=0)
y = (y - y.mean()) / y.std()
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=0)
scaler = StandardScaler().fit(X_train)
X_train = scaler.transform(X_train).astype("float32")
X_test = scaler.transform(X_test).astype("float32")
y_train = y_train.astype("float32")
y_test = y_test.astype("float32")

train_ds = tf.data.Dataset.from_tensor_slices((X_train, y_train)).shuffle(2000, seed=0).batch(64)

model = keras.Sequential([
    keras.Input(shape=(8,)),
    keras.layers.Dense(64, activation="relu"),
    keras.layers.Dense(32, activation="relu"),
    keras.layers.Dense(1),
])
optimizer = keras.optimizers.Adam(learning_rate=1e-3)


@tf.function
def train_step(xb, yb):
    with tf.GradientTape() as tape:
        pred = model(xb, training=True)
        loss = tf.reduce_mean(tf.square(yb - pred))
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(grads, model.trainable_variables))
    return loss


for epoch in range(30):
    losses = [float(train_step(xb, yb)) for xb, yb in train_ds]
    if epoch % 5 == 0 or epoch == 29:
        print(f"epoch {epoch:2d}  train mse {np.mean(losses):.4f}")

pred = model.predict(X_test, verbose=0).ravel()
mse = np.mean((pred - y_test) ** 2)
r2 = 1 - mse / np.var(y_test)
print(f"test MSE {mse:.4f}  R^2 {r2:.3f}")
print("predictions:", pred[:6].round(2))
print("targets:    ", y_test[:6].round(2))
