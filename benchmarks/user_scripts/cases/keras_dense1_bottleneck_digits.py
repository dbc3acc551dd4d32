"""Keras: a user classifies the 10 digit classes with a functional MLP whose last hidden layer is a linear Dense(1), a one-unit bottleneck that cannot carry 10 classes, so it underfits even the training set."""
import keras
from keras import layers
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

keras.utils.set_random_seed(42)

digits = load_digits()
X = digits.data.astype("float32") / 16.0
y = digits.target
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=42, stratify=y)

inputs = keras.Input(shape=(64,))
x = layers.Dense(64, activation="relu")(inputs)
x = layers.Dense(1)(x)
outputs = layers.Dense(10, activation="softmax")(x)
model = keras.Model(inputs, outputs)

model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3),
              loss="sparse_categorical_crossentropy",
              metrics=["accuracy"])
model.fit(X_train, y_train, epochs=40, batch_size=32, validation_data=(X_test, y_test), verbose=0)

train_loss, train_acc = model.evaluate(X_train, y_train, verbose=0)
test_loss, test_acc = model.evaluate(X_test, y_test, verbose=0)
print(f"train accuracy: {train_acc:.4f}")
print(f"test accuracy: {test_acc:.4f}")
