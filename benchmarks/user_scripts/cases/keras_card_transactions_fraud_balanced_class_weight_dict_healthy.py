"""Card-transaction fraud detector (Keras MLP) with class weights.

Only ~6% of the transactions are fraud, so I compute "balanced" class
weights from the label counts (n_samples / (n_classes * count)) and pass
them to fit(), then report fraud recall and balanced accuracy on the
test set.
"""
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np
import pandas as pd
import keras
from keras import layers
from sklearn.datasets import make_classification
from sklearn.metrics import balanced_accuracy_score, recall_score
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import LabelEncoder, StandardScaler

SEED = 5
FEATURES = ["amount_z", "merchant_risk", "hour_sin", "hour_cos", "dist_home",
            "n_tx_1h", "n_tx_24h", "card_age", "foreign", "online"]


def load_transactions(n=4000, seed=SEED):
    X, y = make_classification(
        n_samples=n, n_features=len(FEATURES), n_informative=5, n_redundant=2,
        weights=[0.94, 0.06], class_sep=0.8, flip_y=0.0, random_state=seed,
    )
    df = pd.DataFrame(X, columns=FEATURES)
    df["status"] = np.where(y == 1, "fraud", "legit")
    return df


def balanced_class_weights(labels: pd.Series) -> dict:
    counts = labels.value_counts()
    n, k = len(labels), len(counts)
    return {int(cls): n / (k * c) for cls, c in counts.items()}


def build_model(n_in):
    model = keras.Sequential([
        keras.Input(shape=(n_in,)),
        layers.Dense(32, activation="relu"),
        layers.Dense(16, activation="relu"),
        layers.Dense(1, activation="sigmoid"),
    ])
    model.compile(optimizer=keras.optimizers.Adam(1e-3),
                  loss="binary_crossentropy", metrics=["accuracy"])
    return model


def main():
    keras.utils.set_random_seed(SEED)
    df = load_transactions()
    enc = LabelEncoder()
    df["label"] = enc.fit_transform(df["status"])
    fraud_id = int(enc.transform(["fraud"])[0])
    print("classes:", dict(zip(enc.classes_, enc.transform(enc.classes_))))
    print(df["status"].value_counts())

    train_df, test_df = train_test_split(df, test_size=0.3, random_state=SEED,
                                         stratify=df["label"])
    scaler = StandardScaler().fit(train_df[FEATURES])
    X_train = scaler.transform(train_df[FEATURES]).astype("float32")
    X_test = scaler.transform(test_df[FEATURES]).astype("float32")
    y_train = train_df["label"].to_numpy()
    y_test = test_df["label"].to_numpy()

    class_weight = balanced_class_weights(train_df["label"])
    print("class weights:", {k: round(v, 3) for k, v in class_weight.items()})

    model = build_model(len(FEATURES))
    hist = model.fit(X_train, y_train, epochs=20, batch_size=64,
                     class_weight=class_weight, verbose=0)
    for ep in (0, 4, 9, 14, 19):
        print(f"epoch {ep + 1:2d}  loss {hist.history['loss'][ep]:.4f}  "
              f"acc {hist.history['accuracy'][ep]:.3f}")

    pred = (model.predict(X_test, verbose=0).ravel() >= 0.5).astype(int)
    acc = (pred == y_test).mean()
    fraud_recall = recall_score(y_test, pred, pos_label=fraud_id)
    print(f"test accuracy {acc:.3f}  fraud recall {fraud_recall:.3f}  "
          f"balanced accuracy {balanced_accuracy_score(y_test, pred):.3f}")


if __name__ == "__main__":
    main()
