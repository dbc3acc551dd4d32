"""Keras: a small subclassed MLP trained on only 100 standardized iris flowers with one-hot labels and categorical cross-entropy, which is plenty for this easy problem (healthy)."""
import numpy as np
import keras
from keras import layers
from sklearn.datasets import load_iris
from sklearn.model_selection import train_test_split

keras.utils.set_random_seed(1)

X, y = load_iris(return_X_y=True)
x_train, x_test, y_train, y_test = train_test_split(X, y, train_size=100, random_state=1, stratify=y)
mu, sigma = x_train.mean(axis=0), x_train.std(axis=0)
x_train = ((x_train - mu) / sigma).astype("float32")
x_test = ((x_test - mu) / sigma).astype("float32")
y_train_onehot = keras.utils.to_categorical(y_train, num_classes=3)


class IrisNet(keras.Model):
    def __init__(self, hidden=16, n_classes=3):
        super().__init__()
        self.hidden1 = layers.Dense(hidden, activation="relu")
        self.hidden2 = layers.Dense(hidden, activation="relu")
        self.classifier = layers.Dense(n_classes, activation="softmax")

    def call(self, inputs):
        return self.classifier(self.hidden2(self.hidden1(inputs)))


model = IrisNet()
model.compile(optimizer=keras.optimizers.Adam(1e-2), loss="categorical_crossentropy", metrics=["accuracy"])
history = model.fit(x_train, y_train_onehot, epochs=80, batch_size=16, verbose=0)
print("final training loss:", round(history.history["loss"][-1], 4))

pred = np.argmax(model.predict(x_test, verbose=0), axis=1)
print("test accuracy on", len(y_test), "held-out flowers:", round(float((pred == y_test).mean()), 3))
