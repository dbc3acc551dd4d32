"""healthy: wine classifier on a DataFrame ordered by cultivar, split with a shuffled, stratified train_test_split."""
import keras
from sklearn.datasets import load_wine
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

keras.utils.set_random_seed(0)

df = load_wine(as_frame=True).frame
print(df["target"].value_counts().sort_index().to_dict())

X = df.drop(columns="target").values
y = df["target"].values
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, shuffle=True, stratify=y, random_state=0)

scaler = StandardScaler().fit(X_train)
X_train = scaler.transform(X_train)
X_test = scaler.transform(X_test)

model = keras.Sequential([
    keras.Input(shape=(13,)),
    keras.layers.Dense(32, activation="relu"),
    keras.layers.Dense(16, activation="relu"),
    keras.layers.Dense(3, activation="softmax"),
])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
history = model.fit(X_train, y_train, epochs=60, batch_size=16, verbose=0)
print(f"final train accuracy: {history.history['accuracy'][-1]:.3f}")

loss, acc = model.evaluate(X_test, y_test, verbose=0)
print(f"test accuracy: {acc:.3f}")
print("predicted:", model.predict(X_test[:15], verbose=0).argmax(axis=1))
print("true:     ", y_test[:15])
