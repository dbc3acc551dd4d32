"""Routing support tickets into priority classes (normal / urgent / critical).

Only a few percent of tickets are urgent or critical, so I compute class
weights from the one-hot label matrix and pass them to `fit`.  Overall
accuracy looks great (~0.94), but the per-class recall shows the model
catches only about a quarter of the urgent and critical tickets - exactly
what the class weights were supposed to prevent.  Are Keras class weights broken with
one-hot labels?
"""
import numpy as np
import pandas as pd
import keras
from sklearn.metrics import balanced_accuracy_score, recall_score
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

keras.utils.set_random_seed(3)
CLASSES = ["normal", "urgent", "critical"]
CONFIG = {"hidden": [32, 16], "lr": 3e-3, "epochs": 25, "batch_size": 64}


def load_tickets(n=3000, seed=11):
    """Synthetic stand-in for our ticket export (numeric features only)."""
    rng = np.random.default_rng(seed)
    cols = ["words", "caps_ratio", "exclam", "reply_count", "sla_hours", "account_age",
            "prev_tickets", "attachments", "sentiment", "hour"]
    prio = rng.choice(3, size=n, p=[0.92, 0.05, 0.03])
    X = rng.normal(size=(n, len(cols)))
    X[prio == 1, 0] += 1.5
    X[prio == 1, 1] += 1.0
    X[prio == 1, 2] -= 1.0
    X[prio == 2, 0] += 1.5
    X[prio == 2, 3] += 1.5
    X[prio == 2, 4] += 1.0
    df = pd.DataFrame(X, columns=cols)
    df["priority"] = [CLASSES[k] for k in prio]
    return df


def one_hot(labels):
    idx = labels.map({c: i for i, c in enumerate(CLASSES)}).to_numpy()
    return np.eye(len(CLASSES), dtype="float32")[idx]


def balanced_class_weights(y_onehot):
    """n_samples / (n_classes * count_c), like sklearn's 'balanced' mode."""
    counts = y_onehot.sum(axis=1)
    n, k = y_onehot.shape
    return {c: float(n / (k * counts[c])) for c in range(k)}


def build(n_in, cfg):
    layers = [keras.Input(shape=(n_in,))]
    layers += [keras.layers.Dense(u, activation="relu") for u in cfg["hidden"]]
    layers += [keras.layers.Dense(len(CLASSES), activation="softmax")]
    model = keras.Sequential(layers)
    model.compile(optimizer=keras.optimizers.Adam(cfg["lr"]), loss="categorical_crossentropy",
                  metrics=["accuracy"])
    return model


df = load_tickets()
print(df["priority"].value_counts().to_dict())
train_df, test_df = train_test_split(df, test_size=0.3, stratify=df["priority"], random_state=0)
features = [c for c in df.columns if c != "priority"]
scaler = StandardScaler().fit(train_df[features])
X_train = scaler.transform(train_df[features]).astype("float32")
X_test = scaler.transform(test_df[features]).astype("float32")
Y_train, Y_test = one_hot(train_df["priority"]), one_hot(test_df["priority"])

class_weight = balanced_class_weights(Y_train)

model = build(X_train.shape[1], CONFIG)
hist = model.fit(X_train, Y_train, epochs=CONFIG["epochs"], batch_size=CONFIG["batch_size"],
                 class_weight=class_weight, validation_split=0.1, verbose=0)
for e in range(0, CONFIG["epochs"], 5):
    print(f"epoch {e + 1:2d} loss {hist.history['loss'][e]:.4f} "
          f"val_acc {hist.history['val_accuracy'][e]:.3f}")

pred = model.predict(X_test, verbose=0).argmax(axis=1)
true = Y_test.argmax(axis=1)
print("test accuracy:", round(float((pred == true).mean()), 3))
recalls = recall_score(true, pred, average=None)
print("recall per class:", {c: round(float(r), 3) for c, r in zip(CLASSES, recalls)})
print("test balanced accuracy:", round(balanced_accuracy_score(true, pred), 3))
