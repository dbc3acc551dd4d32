"""Keras: a 95:5 problem, trained without class weights; accuracy looks fine, the minority is never predicted."""
import keras
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split
from sklearn.metrics import recall_score

keras.utils.set_random_seed(9)
x, y = make_classification(n_samples=2000, n_features=20, n_informative=5, weights=[0.95, 0.05],
                           class_sep=0.8, random_state=9)
x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.25, random_state=9, stratify=y)
model = keras.Sequential([keras.Input((20,)), keras.layers.Dense(16, activation="relu"),
                          keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer=keras.optimizers.SGD(0.01), loss="binary_crossentropy", metrics=["accuracy"])
model.fit(x_train, y_train, epochs=3, batch_size=64, verbose=0)
pred = (model.predict(x_test, verbose=0)[:, 0] > 0.5).astype(int)
print("accuracy", (pred == y_test).mean(), "minority recall", recall_score(y_test, pred))
