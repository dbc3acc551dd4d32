"""Breast cancer classifier with a Keras Normalization layer adapted on raw features, but the test data is also passed through a StandardScaler before predict, so inputs are normalized twice at prediction time."""
import numpy as np
import keras
from keras import layers
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

keras.utils.set_random_seed(42)

data = load_breast_cancer()
X = data.data.astype("float32")
y = data.target.astype("float32")
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=42, stratify=y)

# normalization lives inside the model so we can feed raw measurements
norm = layers.Normalization()
norm.adapt(X_train)

model = keras.Sequential([
    keras.Input(shape=(X.shape[1],)),
    norm,
    layers.Dense(32, activation="relu"),
    layers.Dense(16, activation="relu"),
    layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="binary_crossentropy", metrics=["accuracy"])
model.fit(X_train, y_train, epochs=30, batch_size=32, validation_split=0.1, verbose=0)

hist = model.history.history
print("final train acc: %.3f  val acc: %.3f" % (hist["accuracy"][-1], hist["val_accuracy"][-1]))


def prepare(samples):
    # same preprocessing helper we used in the old sklearn pipeline
    return StandardScaler().fit(X_train).transform(samples).astype("float32")


probs = model.predict(prepare(X_test), verbose=0).ravel()
pred = (probs > 0.5).astype(int)
print("test accuracy: %.3f" % (pred == y_test).mean())
print("predicted class counts:", np.bincount(pred, minlength=2))
print("first 10 probabilities:", np.round(probs[:10], 3))
