"""Keras: 10% positives, trained with class_weight (healthy)."""
import keras
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split

keras.utils.set_random_seed(37)
x, y = make_classification(n_samples=2000, n_features=10, n_informative=5, weights=[0.9, 0.1],
                           class_sep=1.5, random_state=37)
x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.25, random_state=37, stratify=y)
weights = {0: 1.0, 1: float((y_train == 0).sum() / (y_train == 1).sum())}
model = keras.Sequential([keras.Input((10,)), keras.layers.Dense(32, activation="relu"),
                          keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy", keras.metrics.Recall()])
model.fit(x_train, y_train, epochs=20, batch_size=32, class_weight=weights, verbose=0)
print("test accuracy / recall", model.evaluate(x_test, y_test, verbose=0)[1:])
