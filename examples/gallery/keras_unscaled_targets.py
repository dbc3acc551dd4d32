"""Bug: house prices in dollars (around 300,000) as regression targets, never scaled."""
import numpy as np
import keras
from sklearn.model_selection import train_test_split

keras.utils.set_random_seed(0)
rng = np.random.default_rng(0)
x = rng.normal(size=(600, 4)).astype("float32")  # standardized house features
price = 300_000 + 80_000 * x[:, 0] + 20_000 * x[:, 1] - 15_000 * x[:, 2] + rng.normal(0, 20_000, 600)
x_train, x_val, y_train, y_val = train_test_split(x, price.astype("float32"), test_size=0.25, random_state=0)

model = keras.Sequential([
    keras.Input((4,)),
    keras.layers.Dense(32, activation="relu"),
    keras.layers.Dense(1),
])
model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="mse")
model.fit(x_train, y_train, validation_data=(x_val, y_val), epochs=20, batch_size=32, verbose=0)
print(f"validation mse: {model.evaluate(x_val, y_val, verbose=0):.4g}")
