"""
Predicting yearly salary from a developer survey table (years of experience,
education level, company size, remote share, city cost index, ...). I do the
preprocessing in pandas (one-hot for categoricals, z-scoring numeric columns and
the salary itself, as everyone recommends), then a 2-hidden-layer MLP with Adam.
Validation R^2 is around -13 after 60 epochs and the MAE is ~$77k, far worse than
just predicting the average salary. A LinearRegression on the same dummies gets
R^2 ~0.85. I tried lr 1e-3 -> 1e-2 and more epochs; the loss keeps decreasing but
it's still in the billions. What's wrong with my network?
"""
import numpy as np
import pandas as pd
import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader
from sklearn.linear_model import LinearRegression
from sklearn.metrics import r2_score

torch.manual_seed(0)
torch.set_num_threads(1)
rng = np.random.default_rng(42)

CFG = {
    "target": "salary",
    "categorical": ["education", "company_size", "role"],
    "numeric": ["years_exp", "remote_share", "city_cost_index", "hours_week"],
    "hidden": (64, 32),
    "lr": 1e-3,
    "epochs": 60,
    "batch_size": 64,
}


def make_survey(n=1200):
    df = pd.DataFrame({
        "years_exp": rng.gamma(2.0, 3.0, n).round(1),
        "education": rng.choice(["bachelor", "master", "phd", "none"], n, p=[.5, .3, .08, .12]),
        "company_size": rng.choice(["startup", "mid", "enterprise"], n),
        "role": rng.choice(["backend", "frontend", "data", "devops"], n),
        "remote_share": rng.uniform(0, 1, n).round(2),
        "city_cost_index": rng.normal(100, 15, n).round(1),
        "hours_week": rng.normal(41, 4, n).round(0),
    })
    edu = df.education.map({"none": 0, "bachelor": 6000, "master": 12000, "phd": 18000})
    size = df.company_size.map({"startup": -4000, "mid": 0, "enterprise": 9000})
    role = df.role.map({"backend": 5000, "frontend": 0, "data": 8000, "devops": 6000})
    df["salary"] = (42000 + 6500 * np.sqrt(df.years_exp) * 3 + edu + size + role
                    + 600 * (df.city_cost_index - 100) - 5000 * df.remote_share
                    + rng.normal(0, 6000, n)).round(-2)
    return df


def preprocess(df, stats=None):
    df = pd.get_dummies(df, columns=CFG["categorical"], dtype=float)
    cols = CFG["numeric"] + [CFG["target"]]
    if stats is None:
        stats = {c: (df[c].mean(), df[c].std()) for c in cols}
    for c in CFG["numeric"]:
        mu, sd = stats[c]
        df[c] = (df[c] - mu) / sd
    mu, sd = stats[CFG["target"]]
    df[CFG["target"] + "_z"] = (df[CFG["target"]] - mu) / sd
    return df, stats


class SurveyDataset(Dataset):
    def __init__(self, frame, feature_cols, target_col):
        self.X = torch.tensor(frame[feature_cols].to_numpy(np.float32))
        self.y = torch.tensor(frame[target_col].to_numpy(np.float32))

    def __len__(self):
        return len(self.y)

    def __getitem__(self, i):
        return self.X[i], self.y[i]


class SalaryNet(nn.Module):
    def __init__(self, n_in, hidden):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(n_in, hidden[0]), nn.ReLU(),
                                  nn.Linear(hidden[0], hidden[1]), nn.ReLU())
        self.out = nn.Linear(hidden[1], 1)

    def forward(self, x):
        return self.out(self.body(x)).squeeze(-1)


def main():
    raw = make_survey()
    train_raw, val_raw = raw.iloc[:960], raw.iloc[960:]
    train_df, stats = preprocess(train_raw)
    val_df, _ = preprocess(val_raw, stats)
    features = [c for c in train_df.columns if not c.startswith(CFG["target"])]
    val_df = val_df.reindex(columns=train_df.columns, fill_value=0.0)

    baseline = LinearRegression().fit(train_df[features], train_df[CFG["target"]])
    print(f"linear baseline val R^2: {r2_score(val_df[CFG['target']], baseline.predict(val_df[features])):.3f}")

    target_col = CFG["target"]
    train_ds = SurveyDataset(train_df, features, target_col)
    loader = DataLoader(train_ds, batch_size=CFG["batch_size"], shuffle=True)
    model = SalaryNet(len(features), CFG["hidden"])
    opt = torch.optim.Adam(model.parameters(), lr=CFG["lr"])
    mse = nn.MSELoss()
    for epoch in range(CFG["epochs"]):
        model.train()
        for xb, yb in loader:
            opt.zero_grad()
            loss = mse(model(xb), yb)
            loss.backward()
            opt.step()
        if epoch % 20 == 0:
            print(f"epoch {epoch} last batch loss {loss.item():.4g}")

    model.eval()
    mu, sd = stats[CFG["target"]]
    with torch.no_grad():
        pred = model(torch.tensor(val_df[features].to_numpy(np.float32))).numpy()
    if target_col.endswith("_z"):
        pred = pred * sd + mu  # back to dollars
    y_val = val_df[CFG["target"]].to_numpy()
    print(f"val MAE: ${np.abs(pred - y_val).mean():,.0f}")
    print(f"val R^2: {r2_score(y_val, pred):.3f}")


if __name__ == "__main__":
    main()
