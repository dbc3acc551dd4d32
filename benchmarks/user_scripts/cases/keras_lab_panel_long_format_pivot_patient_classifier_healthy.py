"""Predicting a diagnosis from lab results that come in "long" format.

Our LIMS export has one row per (patient, test) measurement and a separate
table with one row per patient and the diagnosis.  I pivot the measurements
into a wide table (one column per lab test), scale them and train a small
Keras MLP.  Test accuracy is about 92% and validation accuracy wobbles a bit
between 0.89 and 0.93 at the end.  Is this setup sound, or should I worry
about the wobble?
"""
import pandas as pd
import keras
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

keras.utils.set_random_seed(7)

TESTS = ["alb", "alt", "ast", "bun", "ca", "chol", "crp", "glu", "hb", "k", "na", "wbc"]


def simulate_export(n_patients=1200, seed=7):
    """Build the two tables exactly as the LIMS gives them to us."""
    X, y = make_classification(n_samples=n_patients, n_features=len(TESTS), n_informative=6,
                               n_redundant=2, class_sep=1.2, random_state=seed)
    ids = [f"P{i + 1}" for i in range(n_patients)]  # patient ids P1, P2, ...
    long_rows = []
    for pid, row in zip(ids, X):
        for test, value in zip(TESTS, row):
            long_rows.append({"patient_id": pid, "test": test, "value": 50 + 10 * value})
    measurements = pd.DataFrame(long_rows).sample(frac=1.0, random_state=seed)  # arbitrary order
    diagnoses = pd.DataFrame({"patient_id": ids, "diagnosis": y})
    return measurements, diagnoses


def build_table(measurements, diagnoses):
    wide = measurements.pivot_table(index="patient_id", columns="test", values="value")
    wide = wide[TESTS]
    features = wide.to_numpy(dtype="float32")
    labels = diagnoses.set_index("patient_id").loc[wide.index, "diagnosis"]
    labels = labels.to_numpy(dtype="float32")
    return features, labels


def make_model(n_features):
    model = keras.Sequential([
        keras.Input(shape=(n_features,)),
        keras.layers.Dense(32, activation="relu"),
        keras.layers.Dense(16, activation="relu"),
        keras.layers.Dense(1, activation="sigmoid"),
    ])
    model.compile(optimizer=keras.optimizers.Adam(1e-2), loss="binary_crossentropy",
                  metrics=["accuracy"])
    return model


measurements, diagnoses = simulate_export()
X, y = build_table(measurements, diagnoses)
print("wide table:", X.shape, "positives:", int(y.sum()))

X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=0,
                                                    stratify=y)
scaler = StandardScaler().fit(X_train)
X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)

model = make_model(X.shape[1])
history = model.fit(X_train, y_train, validation_split=0.15, epochs=30, batch_size=32,
                    verbose=0)
for epoch in range(0, 30, 5):
    print(f"epoch {epoch + 1:2d}  loss {history.history['loss'][epoch]:.4f}  "
          f"val_acc {history.history['val_accuracy'][epoch]:.3f}")

test_loss, test_acc = model.evaluate(X_test, y_test, verbose=0)
print(f"test loss {test_loss:.4f}  test accuracy {test_acc:.3f}")
