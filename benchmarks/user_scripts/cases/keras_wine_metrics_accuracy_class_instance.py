"""Wine classifier compiled with metrics=[keras.metrics.Accuracy()] (exact value match) instead of 'accuracy'/SparseCategoricalAccuracy, so the reported accuracy compares integer labels with softmax probabilities and reads near zero."""
import keras
from sklearn.datasets import load_wine
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.impute import SimpleImputer
from sklearn.preprocessing import StandardScaler

keras.utils.set_random_seed(0)

wine = load_wine(as_frame=True)
df = wine.frame
X = df.drop(columns="target")
y = df[["target"]].values  # (N, 1) label column

X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, random_state=1, stratify=y)
prep = make_pipeline(SimpleImputer(strategy="median"), StandardScaler())
X_train = prep.fit_transform(X_train)
X_test = prep.transform(X_test)

model = keras.Sequential([
    keras.Input(shape=(X_train.shape[1],)),
    keras.layers.Dense(32, activation="relu"),
    keras.layers.Dropout(0.2),
    keras.layers.Dense(3, activation="softmax"),
])
model.compile(optimizer=keras.optimizers.Adam(1e-3),
              loss=keras.losses.SparseCategoricalCrossentropy(),
              metrics=[keras.metrics.Accuracy()])
history = model.fit(X_train, y_train, epochs=40, batch_size=16, validation_split=0.2, verbose=0)
print("last epoch:", {k: round(v[-1], 3) for k, v in history.history.items()})

loss, acc = model.evaluate(X_test, y_test, verbose=0)
print(f"test loss {loss:.3f}  test accuracy {acc:.3f}")
print("predicted classes:", model.predict(X_test[:10], verbose=0).argmax(axis=1))
print("true classes:     ", y_test[:10].ravel())
