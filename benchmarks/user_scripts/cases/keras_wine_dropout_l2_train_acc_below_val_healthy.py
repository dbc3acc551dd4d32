"""Keras: a functional wine-cultivar MLP with Dropout(0.5) and L2 weight decay on every hidden layer, whose dropout-noisy training accuracy and penalty-inflated training loss stay worse than the validation ones (healthy)."""
import keras
from keras import layers, regularizers
from sklearn.datasets import load_wine
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

keras.utils.set_random_seed(2)

X, y = load_wine(return_X_y=True)
x_train, x_val, y_train, y_val = train_test_split(X, y, test_size=0.3, random_state=2, stratify=y)
scaler = StandardScaler().fit(x_train)
x_train = scaler.transform(x_train).astype("float32")
x_val = scaler.transform(x_val).astype("float32")

inputs = keras.Input(shape=(x_train.shape[1],))
h = layers.Dense(64, activation="relu", kernel_regularizer=regularizers.l2(1e-2))(inputs)
h = layers.Dropout(0.5)(h)
h = layers.Dense(32, activation="relu", kernel_regularizer=regularizers.l2(1e-2))(h)
h = layers.Dropout(0.5)(h)
outputs = layers.Dense(3, activation="softmax")(h)
model = keras.Model(inputs, outputs)

model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
history = model.fit(x_train, y_train, epochs=60, batch_size=32,
                    validation_data=(x_val, y_val), verbose=0)

print("train accuracy (with dropout):", round(history.history["accuracy"][-1], 3))
print("val accuracy:", round(history.history["val_accuracy"][-1], 3))
print("train loss:", round(history.history["loss"][-1], 3), "val loss:", round(history.history["val_loss"][-1], 3))
