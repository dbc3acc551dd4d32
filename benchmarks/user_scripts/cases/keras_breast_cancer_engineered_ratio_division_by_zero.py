"""Breast cancer classifier with an engineered ratio feature (compactness / concave points); a few tumours have zero concave points, the ratio is inf, the adapted Normalization layer turns the inputs into NaN and the model gives the same probability for every tumour."""
import keras
from keras import layers
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split

keras.utils.set_random_seed(3)

df = load_breast_cancer(as_frame=True).frame
# feature engineering: shape irregularity relative to concavity
df["compactness_per_concave_point"] = df["mean compactness"] / df["mean concave points"]
df["worst_area_to_mean_area"] = df["worst area"] / df["mean area"]

X = df.drop(columns="target").values.astype("float32")
y = df["target"].values.astype("float32")
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=3, stratify=y)
print("X_train shape:", X_train.shape)

norm = layers.Normalization()
norm.adapt(X_train)

inputs = keras.Input(shape=(X.shape[1],))
h = norm(inputs)
h = layers.Dense(32, activation="relu")(h)
h = layers.Dense(16, activation="relu")(h)
outputs = layers.Dense(1, activation="sigmoid")(h)
model = keras.Model(inputs, outputs)
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
history = model.fit(X_train, y_train, epochs=30, batch_size=32, validation_split=0.15, verbose=0)
print("loss first/last epoch:", history.history["loss"][0], history.history["loss"][-1])

probs = model.predict(X_test, verbose=0).ravel()
pred = (probs > 0.5).astype(int)
print("test accuracy: %.3f" % (pred == y_test).mean())
print("first 8 probabilities:", probs[:8])
