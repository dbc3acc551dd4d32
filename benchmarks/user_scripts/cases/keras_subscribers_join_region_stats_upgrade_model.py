"""Which subscribers will upgrade to the premium plan? (Keras, tf.data)

I join our subscriber table with a small table of per-region statistics
(median income, broadband share) so the model gets some context about
where people live, then standardize everything and train a small MLP.
The loss is nan from the very first epoch on and the model predicts
"no upgrade" for everybody (test accuracy = share of non-upgraders).
Lowering the learning rate did not help.
"""
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np
import pandas as pd
import tensorflow as tf
import keras
from keras import layers
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

SEED = 21
REGIONS = ["north", "south", "east", "west", "central", "coast", "islands"]


def load_subscribers(n=2500, seed=SEED):
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({
        "subscriber_id": np.arange(n),
        "region": rng.choice(REGIONS, size=n, p=[.2, .2, .15, .15, .15, .1, .05]),
        "months_active": rng.integers(1, 60, size=n),
        "data_gb": rng.gamma(2.0, 6.0, size=n),
        "calls_min": rng.gamma(2.0, 100.0, size=n),
        "n_devices": rng.integers(1, 6, size=n),
    })
    return df


def load_region_stats():
    # maintained by another team; "islands" was added to the CRM last quarter
    return pd.DataFrame({
        "region": ["north", "south", "east", "west", "central", "coast"],
        "median_income_k": [41.0, 35.5, 47.2, 52.8, 44.1, 58.3],
        "broadband_share": [0.71, 0.64, 0.78, 0.83, 0.75, 0.86],
    })


def add_target(df, seed=SEED):
    rng = np.random.default_rng(seed + 1)
    logit = (0.18 * (df.data_gb - 12) + 1.2 * (df.n_devices - 3)
             + 0.15 * (df.median_income_k.fillna(45) - 45) + 0.04 * (df.months_active - 30))
    df["upgraded"] = (rng.random(len(df)) < 1 / (1 + np.exp(-logit))).astype("int32")
    return df


FEATURES = ["months_active", "data_gb", "calls_min", "n_devices",
            "median_income_k", "broadband_share"]


def make_ds(X, y, batch_size, shuffle):
    ds = tf.data.Dataset.from_tensor_slices((X, y))
    if shuffle:
        ds = ds.shuffle(len(X), seed=SEED)
    return ds.batch(batch_size)


def build_model(n_in):
    inp = keras.Input(shape=(n_in,), name="features")
    x = layers.Dense(32, activation="relu")(inp)
    x = layers.Dense(16, activation="relu")(x)
    out = layers.Dense(1, activation="sigmoid", name="p_upgrade")(x)
    model = keras.Model(inp, out, name="upgrade_mlp")
    model.compile(optimizer=keras.optimizers.Adam(1e-3),
                  loss="binary_crossentropy", metrics=["accuracy"])
    return model


def main():
    keras.utils.set_random_seed(SEED)
    subs = load_subscribers()
    stats = load_region_stats()
    df = subs.merge(stats, on="region", how="left")
    df = add_target(df)
    print(df.head())
    print("upgrade rate:", round(df.upgraded.mean(), 3))

    train_df, test_df = train_test_split(df, test_size=0.2, random_state=SEED)
    scaler = StandardScaler().fit(train_df[FEATURES])
    X_train = scaler.transform(train_df[FEATURES]).astype("float32")
    X_test = scaler.transform(test_df[FEATURES]).astype("float32")
    y_train = train_df.upgraded.to_numpy()
    y_test = test_df.upgraded.to_numpy()

    model = build_model(len(FEATURES))
    train_ds = make_ds(X_train, y_train, 64, shuffle=True)
    test_ds = make_ds(X_test, y_test, 256, shuffle=False)
    hist = model.fit(train_ds, epochs=15, verbose=0)
    for ep, (l, a) in enumerate(zip(hist.history["loss"], hist.history["accuracy"])):
        if ep % 3 == 0 or ep == 14:
            print(f"epoch {ep + 1:2d}  loss {l:.4f}  acc {a:.3f}")

    loss, acc = model.evaluate(test_ds, verbose=0)
    print(f"test loss {loss:.4f}  test accuracy {acc:.3f}  "
          f"(share of non-upgraders {1 - y_test.mean():.3f})")


if __name__ == "__main__":
    main()
