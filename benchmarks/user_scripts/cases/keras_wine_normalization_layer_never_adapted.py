"""Wine classifier with a Keras Normalization layer as the first layer, but adapt() is never called, so it is an identity and the raw features (proline ~1000, hue ~1) go straight into the network."""
import keras
from keras import layers
from sklearn.datasets import load_wine
from sklearn.model_selection import train_test_split

keras.utils.set_random_seed(0)

X, y = load_wine(return_X_y=True)
X = X.astype("float32")
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, random_state=0, stratify=y)
print("feature ranges:", X_train.min(0).round(1)[[4, 10, 12]], X_train.max(0).round(1)[[4, 10, 12]])

model = keras.Sequential([
    keras.Input(shape=(13,)),
    layers.Normalization(),          # scales the features inside the model
    layers.Dense(64, activation="relu"),
    layers.Dense(32, activation="relu"),
    layers.Dense(3, activation="softmax"),
])
model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
history = model.fit(X_train, y_train, epochs=60, batch_size=16, validation_split=0.15, verbose=0)
print("train acc: %.3f  val acc: %.3f" % (history.history["accuracy"][-1], history.history["val_accuracy"][-1]))

loss, acc = model.evaluate(X_test, y_test, verbose=0)
print("test loss %.3f  test accuracy %.3f" % (loss, acc))
print("predictions:", model.predict(X_test[:12], verbose=0).argmax(1))
print("true labels:", y_test[:12])
