"""A healthy Keras regression: standardized features and targets, MSE, no accuracy metric."""
import keras
from sklearn.datasets import load_diabetes
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

keras.utils.set_random_seed(0)
x, y = load_diabetes(return_X_y=True)
x_train, x_val, y_train, y_val = train_test_split(x, y, test_size=0.25, random_state=0)
scaler = StandardScaler().fit(x_train)
x_train, x_val = scaler.transform(x_train), scaler.transform(x_val)
mean, std = y_train.mean(), y_train.std()
y_train, y_val = (y_train - mean) / std, (y_val - mean) / std

model = keras.Sequential([
    keras.Input((10,)),
    keras.layers.Dense(32, activation="relu"),
    keras.layers.Dense(1),
])
model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="mse", metrics=["mae"])
model.fit(x_train, y_train, validation_data=(x_val, y_val), epochs=30, batch_size=32, verbose=0)
print("validation [mse, mae]:", model.evaluate(x_val, y_val, verbose=0))
