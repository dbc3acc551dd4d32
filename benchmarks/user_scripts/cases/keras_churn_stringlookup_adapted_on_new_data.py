"""Churn model on a 'plan' category one-hot encoded with a StringLookup that the feature function re-adapts on every DataFrame, so the new month's data gets a different (frequency-ordered) vocabulary than training."""
import numpy as np
import pandas as pd
import keras

keras.utils.set_random_seed(0)
rng = np.random.default_rng(0)

PLANS = ["basic", "plus", "family", "student", "business", "senior", "prepaid", "unlimited"]
CHURN_RATE = dict(zip(PLANS, [0.85, 0.15, 0.1, 0.9, 0.2, 0.8, 0.95, 0.05]))


def make_month(n, popularity):
    plan = rng.choice(PLANS, size=n, p=popularity)
    tenure = rng.uniform(0, 6, size=n)
    support_calls = rng.poisson(2, size=n).astype(float)
    churn = (rng.random(n) < np.array([CHURN_RATE[p] for p in plan])).astype("float32")
    return pd.DataFrame({"plan": plan, "tenure": tenure, "support_calls": support_calls, "churn": churn})


# historical data, then this month's customers (marketing pushed other plans)
train_df = make_month(3000, [0.30, 0.20, 0.15, 0.12, 0.09, 0.07, 0.05, 0.02])
new_df = make_month(1000, [0.02, 0.05, 0.07, 0.09, 0.12, 0.15, 0.20, 0.30])


def make_features(df):
    lookup = keras.layers.StringLookup(output_mode="one_hot", num_oov_indices=0)
    lookup.adapt(df["plan"].values)
    plan = np.asarray(lookup(df["plan"].values), dtype="float32")
    num = df[["tenure", "support_calls"]].values.astype("float32") / 5.0
    return np.hstack([plan, num])


X_train, y_train = make_features(train_df), train_df["churn"].values
X_new, y_new = make_features(new_df), new_df["churn"].values

model = keras.Sequential([
    keras.Input(shape=(X_train.shape[1],)),
    keras.layers.Dense(32, activation="relu"),
    keras.layers.Dense(16, activation="relu"),
    keras.layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(X_train, y_train, epochs=15, batch_size=64, validation_split=0.2, verbose=2)

loss, acc = model.evaluate(X_new, y_new, verbose=0)
print(f"accuracy on this month's customers: {acc:.3f}")
print("first predictions:", model.predict(X_new[:8], verbose=0).ravel().round(2))
print("true labels:      ", y_new[:8])
