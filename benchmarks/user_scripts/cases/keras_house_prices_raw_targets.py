"""Keras: a user regresses synthetic house prices (hundreds of thousands of dollars) with MSE on standardized features but feeds the raw, unscaled prices as targets, so the network never gets near them."""
import numpy as np
import keras
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from sklearn.metrics import mean_absolute_error, r2_score

keras.utils.set_random_seed(1)
rng = np.random.default_rng(1)

n = 1200
sqft = rng.uniform(500, 4000, n)
bedrooms = rng.integers(1, 6, n)
bathrooms = rng.integers(1, 4, n)
age = rng.uniform(0, 80, n)
dist_center = rng.uniform(0.5, 30, n)
X = np.column_stack([sqft, bedrooms, bathrooms, age, dist_center])
price = (60000 + 110 * sqft + 15000 * bedrooms + 20000 * bathrooms
         - 900 * age - 4000 * dist_center + rng.normal(0, 20000, n))

X_train, X_test, y_train, y_test = train_test_split(X, price, test_size=0.2, random_state=1)
scaler = StandardScaler()
X_train = scaler.fit_transform(X_train)
X_test = scaler.transform(X_test)

model = keras.Sequential([
    keras.layers.Input(shape=(X_train.shape[1],)),
    keras.layers.Dense(64, activation="relu"),
    keras.layers.Dense(64, activation="relu"),
    keras.layers.Dense(1),
])
model.compile(optimizer="adam", loss="mse", metrics=["mae"])

early_stop = keras.callbacks.EarlyStopping(monitor="val_loss", patience=10, restore_best_weights=True)
model.fit(X_train, y_train, validation_split=0.2, epochs=60, batch_size=32,
          callbacks=[early_stop], verbose=0)

pred = model.predict(X_test, verbose=0).ravel()
print(f"mean price: {y_test.mean():,.0f}")
print(f"test MAE: {mean_absolute_error(y_test, pred):,.0f}")
print(f"test R^2: {r2_score(y_test, pred):.4f}")
