"""Keras: a user trains a subclassed MLP on only 40 labelled samples of a 4-class, 20-feature problem, far too little data to generalize, so validation accuracy stays low while training accuracy is perfect."""
import keras
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

keras.utils.set_random_seed(2024)


class Classifier(keras.Model):
    def __init__(self, n_classes):
        super().__init__()
        self.hidden1 = keras.layers.Dense(64, activation="relu")
        self.hidden2 = keras.layers.Dense(64, activation="relu")
        self.out = keras.layers.Dense(n_classes, activation="softmax")

    def call(self, x):
        return self.out(self.hidden2(self.hidden1(x)))


X, y = make_classification(n_samples=1000, n_features=20, n_informative=10, n_redundant=4,
                           n_classes=4, n_clusters_per_class=2, random_state=2024)
X_lab, X_val, y_lab, y_val = train_test_split(X, y, train_size=40, random_state=2024, stratify=y)

scaler = StandardScaler().fit(X_lab)
X_lab, X_val = scaler.transform(X_lab), scaler.transform(X_val)

model = Classifier(n_classes=4)
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(X_lab, y_lab, epochs=150, batch_size=8, verbose=0)

print(f"train accuracy: {model.evaluate(X_lab, y_lab, verbose=0)[1]:.4f}")
print(f"validation accuracy: {model.evaluate(X_val, y_val, verbose=0)[1]:.4f}")
