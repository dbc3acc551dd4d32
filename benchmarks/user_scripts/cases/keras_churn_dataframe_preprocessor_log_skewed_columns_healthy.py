"""Churn prediction on our customer table with a Keras MLP.

Some columns (income, monthly spend, number of transactions) are very
skewed, so my Preprocessor log-transforms them and then standardizes all
features. I monitor the held-out customers during training and score them
again afterwards with my evaluate_frame() helper.
"""
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np
import pandas as pd
import keras
from keras import layers
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

SEED = 3
SKEWED = ["income", "monthly_spend", "n_transactions"]
FEATURES = ["income", "monthly_spend", "n_transactions", "tenure_months",
            "support_calls", "age"]


def make_customer_table(n=3000, seed=SEED):
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({
        "customer_id": np.arange(n),
        "income": rng.lognormal(mean=10.5, sigma=0.8, size=n),
        "monthly_spend": rng.lognormal(mean=4.0, sigma=1.0, size=n),
        "n_transactions": rng.lognormal(mean=2.5, sigma=1.0, size=n).round() + 1,
        "tenure_months": rng.integers(1, 72, size=n),
        "support_calls": rng.poisson(1.5, size=n),
        "age": rng.integers(18, 80, size=n),
    })
    logit = (
        -3.0 * (np.log1p(df.monthly_spend) - 4.0)
        - 2.0 * (np.log1p(df.n_transactions) - 2.6)
        + 1.5 * (np.log1p(df.income) - 10.5)
        + 0.4 * (df.support_calls - 1.5)
        - 0.02 * (df.tenure_months - 36)
    )
    p = 1.0 / (1.0 + np.exp(-logit))
    df["churned"] = (rng.random(n) < p).astype(int)
    return df


class Preprocessor:
    """log1p on skewed columns, then standard scaling."""

    def __init__(self, skewed, features):
        self.skewed = skewed
        self.features = features
        self.scaler = StandardScaler()

    def _log_skewed(self, df):
        df = df.copy()
        df[self.skewed] = np.log1p(df[self.skewed])
        return df

    def fit(self, df):
        df = self._log_skewed(df)
        self.scaler.fit(df[self.features].values)
        return self

    def transform(self, df):
        df = self._log_skewed(df)
        return self.scaler.transform(df[self.features].values).astype("float32")

    def fit_transform(self, df):
        df = self._log_skewed(df)
        X = self.scaler.fit_transform(df[self.features].values)
        return X.astype("float32")


def evaluate_frame(model, pre, df, target="churned", threshold=0.5):
    """Score a raw customer frame: accuracy and mean predicted probability."""
    X = pre.transform(df)
    proba = model.predict(X, verbose=0).ravel()
    pred = (proba >= threshold).astype(int)
    acc = float((pred == df[target].values).mean())
    return acc, proba


def build_model(n_features):
    model = keras.Sequential([
        keras.Input(shape=(n_features,)),
        layers.Dense(64, activation="relu"),
        layers.Dropout(0.1),
        layers.Dense(32, activation="relu"),
        layers.Dense(1, activation="sigmoid"),
    ])
    model.compile(optimizer=keras.optimizers.Adam(1e-3),
                  loss="binary_crossentropy", metrics=["accuracy"])
    return model


def main():
    keras.utils.set_random_seed(SEED)
    df = make_customer_table()
    print(df.describe().T[["mean", "std", "max"]].round(1))
    print("churn rate:", round(df.churned.mean(), 3))

    train_df, test_df = train_test_split(df, test_size=0.25, random_state=SEED,
                                         stratify=df.churned)
    train_df = train_df.copy()
    test_df = test_df.copy()

    pre = Preprocessor(SKEWED, FEATURES)
    X_train = pre.fit_transform(train_df)
    X_test = pre.transform(test_df)
    y_train = train_df.churned.values
    y_test = test_df.churned.values

    model = build_model(X_train.shape[1])
    model.fit(X_train, y_train, validation_data=(X_test, y_test),
              epochs=25, batch_size=64, verbose=2)

    test_acc, proba = evaluate_frame(model, pre, test_df)
    print(f"majority baseline: {max(y_test.mean(), 1 - y_test.mean()):.3f}")
    print(f"predicted churn prob: mean {proba.mean():.3f}  std {proba.std():.3f}")
    print(f"test accuracy {test_acc:.3f}")


if __name__ == "__main__":
    main()
