"""
Churn model for our SaaS customers. I train on the last year of customer history
(plan, tenure, seats, monthly usage, support tickets) with a small Keras model that
has an embedding for the plan type plus the numeric features. Validation accuracy
during training is ~0.85, which is fine for us.

Then I backtest on this month's customers (we know who churned) and the accuracy
drops to ~0.24, much worse than predicting "no churn" for everyone. The numeric features
are standardized with the training mean/std, I checked that twice. I also tried
training longer and a bigger embedding, no difference. The backtest data comes from
the same export script, so I don't understand why the model falls apart on it.
"""
import os
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np
import pandas as pd
import keras
from keras import layers

rng = np.random.default_rng(7)
PLAN_EFFECT = {"basic": -2.0, "business": 2.0, "enterprise": -2.0, "pro": 2.0, "starter": -2.0}
NUMERIC = ["tenure_months", "seats", "monthly_usage_h", "support_tickets"]


def simulate_customers(n, plans):
    df = pd.DataFrame({
        "customer_id": np.arange(n) + rng.integers(10_000, 90_000),
        "plan": rng.choice(plans, size=n),
        "tenure_months": rng.integers(1, 60, size=n),
        "seats": rng.integers(1, 200, size=n),
        "monthly_usage_h": rng.gamma(2.0, 20.0, size=n).round(1),
        "support_tickets": rng.poisson(2.0, size=n),
    })
    logit = (df["plan"].map(PLAN_EFFECT)
             - 0.04 * (df["tenure_months"] - 30)
             - 0.03 * (df["monthly_usage_h"] - 40)
             + 0.4 * (df["support_tickets"] - 2))
    p = 1 / (1 + np.exp(-logit))
    df["churned"] = (rng.random(n) < p).astype(int)
    return df


def prepare_features(df, num_mean, num_std):
    """Turn an export into model inputs: plan code + standardized numerics."""
    plan_code = df["plan"].astype("category").cat.codes.to_numpy().astype("int32")
    numeric = ((df[NUMERIC] - num_mean) / num_std).to_numpy().astype("float32")
    return {"plan": plan_code, "numeric": numeric}


def build_model(n_plans, n_numeric):
    plan_in = keras.Input(shape=(), dtype="int32", name="plan")
    num_in = keras.Input(shape=(n_numeric,), name="numeric")
    emb = layers.Embedding(n_plans, 4)(plan_in)
    x = layers.Concatenate()([emb, num_in])
    x = layers.Dense(32, activation="relu")(x)
    x = layers.Dense(16, activation="relu")(x)
    out = layers.Dense(1, activation="sigmoid")(x)
    model = keras.Model([plan_in, num_in], out)
    model.compile(optimizer=keras.optimizers.Adam(3e-3), loss="binary_crossentropy",
                  metrics=["accuracy"])
    return model


history = simulate_customers(4000, list(PLAN_EFFECT))
# the "basic" plan was retired in spring, so nobody in this month's export has it
this_month = simulate_customers(1500, ["business", "enterprise", "pro", "starter"])

num_mean = history[NUMERIC].mean()
num_std = history[NUMERIC].std()

X_hist = prepare_features(history, num_mean, num_std)
y_hist = history["churned"].to_numpy()

model = build_model(n_plans=history["plan"].nunique(), n_numeric=len(NUMERIC))
model.fit(X_hist, y_hist, validation_split=0.2, epochs=8, batch_size=128, verbose=2)

X_bt = prepare_features(this_month, num_mean, num_std)
y_bt = this_month["churned"].to_numpy()
pred = (model.predict(X_bt, verbose=0).ravel() > 0.5).astype(int)
print("churn rate this month:", y_bt.mean().round(3))
print(f"backtest accuracy: {(pred == y_bt).mean():.3f}")
