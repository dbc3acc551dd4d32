"""
Next-hour electricity load forecaster for several office buildings. Hourly
readings per building go into a DataFrame, I build lag features per building with
groupby/shift, drop the rows where the lags are missing, and train a small MLP on
buildings A-E, validating on building F. The training loss is nan already in the
first epoch, and every prediction is nan (val MAE nan, val R^2 nan). I lowered the
lr to 1e-4 and added gradient clipping, still nan from epoch 0. df.isna().sum()
was all zeros after my dropna, so it is not the data... is it exploding gradients?
"""
import numpy as np
import pandas as pd
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)
torch.set_num_threads(1)
rng = np.random.default_rng(0)

LAGS = [1, 2, 24]
FEATURES = ["temp_c", "hour_sin", "hour_cos", "weekend"] + [f"load_lag{l}" for l in LAGS]
TARGET = "load_next"


def simulate_building(name, hours=24 * 20):
    t = np.arange(hours)
    hour = t % 24
    weekend = ((t // 24) % 7 >= 5).astype(float)
    temp = 12 + 8 * np.sin(2 * np.pi * (hour - 9) / 24) + rng.normal(0, 1.5, hours)
    base = rng.uniform(80, 160)
    occupancy = np.clip(np.sin(np.pi * (hour - 7) / 12), 0, None) * (1 - 0.7 * weekend)
    load = base * (0.4 + occupancy) + 2.5 * np.abs(temp - 18) + rng.normal(0, 4, hours)
    return pd.DataFrame({"building": name, "hour_idx": t, "hour": hour, "weekend": weekend,
                         "temp_c": temp, "load_kw": load})


def build_features(df):
    df = df.sort_values(["building", "hour_idx"]).copy()
    df["hour_sin"] = np.sin(2 * np.pi * df.hour / 24)
    df["hour_cos"] = np.cos(2 * np.pi * df.hour / 24)
    g = df.groupby("building")["load_kw"]
    for l in LAGS:
        df[f"load_lag{l}"] = g.shift(l)
    df = df.dropna().reset_index(drop=True)
    print("missing values after cleaning:", int(df.isna().sum().sum()))
    df[TARGET] = df.groupby("building")["load_kw"].shift(-1)
    return df


def to_tensors(df, mu, sd, y_mu, y_sd):
    X = ((df[FEATURES] - mu) / sd).to_numpy(np.float32)
    y = ((df[TARGET] - y_mu) / y_sd).to_numpy(np.float32)
    return torch.from_numpy(X), torch.from_numpy(y)


def r2(y, p):
    return 1 - np.sum((y - p) ** 2) / np.sum((y - y.mean()) ** 2)


def main():
    raw = pd.concat([simulate_building(b) for b in "ABCDEF"], ignore_index=True)
    data = build_features(raw)
    train_df, val_df = data[data.building != "F"], data[data.building == "F"]
    mu, sd = train_df[FEATURES].mean(), train_df[FEATURES].std()
    y_mu, y_sd = train_df[TARGET].mean(), train_df[TARGET].std()
    X_tr, y_tr = to_tensors(train_df, mu, sd, y_mu, y_sd)
    X_va, y_va = to_tensors(val_df, mu, sd, y_mu, y_sd)

    loader = DataLoader(TensorDataset(X_tr, y_tr), batch_size=128, shuffle=True)
    model = nn.Sequential(nn.Linear(len(FEATURES), 64), nn.GELU(),
                          nn.Linear(64, 64), nn.GELU(), nn.Linear(64, 1))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    for epoch in range(15):
        losses = []
        for xb, yb in loader:
            opt.zero_grad()
            loss = nn.functional.mse_loss(model(xb).squeeze(1), yb)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            losses.append(loss.item())
        if epoch % 5 == 0:
            print(f"epoch {epoch} first batch loss {losses[0]:.4f} mean loss {np.mean(losses):.4f}")

    with torch.no_grad():
        pred = model(X_va).squeeze(1).numpy() * y_sd + y_mu
    y_true = val_df[TARGET].to_numpy()
    print(f"val MAE (kW): {np.abs(pred - y_true).mean():.2f}")
    print(f"val R^2: {r2(y_true, pred):.4f}")


if __name__ == "__main__":
    main()
