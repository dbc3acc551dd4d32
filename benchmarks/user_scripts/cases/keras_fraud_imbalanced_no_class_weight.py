"""Keras: a user trains a fraud-style binary classifier on data with about 3% positives and no class weights or resampling, so the model predicts the majority class for everything."""
import tensorflow as tf
import keras
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from sklearn.metrics import confusion_matrix, recall_score

keras.utils.set_random_seed(123)

X, y = make_classification(n_samples=1500, n_features=20, n_informative=4, n_redundant=2,
                           weights=[0.97, 0.03], class_sep=0.4, flip_y=0.0, random_state=123)
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.25, random_state=123)
scaler = StandardScaler().fit(X_train)
X_train, X_val = scaler.transform(X_train), scaler.transform(X_val)

train_ds = tf.data.Dataset.from_tensor_slices((X_train, y_train)).shuffle(1000, seed=123).batch(64)
val_ds = tf.data.Dataset.from_tensor_slices((X_val, y_val)).batch(64)

inputs = keras.Input(shape=(20,))
h = keras.layers.Dense(16, activation="relu")(inputs)
h = keras.layers.Dense(8, activation="relu")(h)
outputs = keras.layers.Dense(1, activation="sigmoid")(h)
model = keras.Model(inputs, outputs, name="fraud_net")

model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(train_ds, validation_data=val_ds, epochs=10, verbose=0)

val_loss, val_acc = model.evaluate(val_ds, verbose=0)
pred = (model.predict(X_val, verbose=0).ravel() > 0.5).astype(int)
print(f"validation accuracy: {val_acc:.4f}")
print("confusion matrix:\n", confusion_matrix(y_val, pred))
print(f"fraud recall: {recall_score(y_val, pred, zero_division=0):.4f}")
