"""
Predicting house prices from a pandas table with a PyTorch MLP and a pinball
(quantile) loss, because I want the median price rather than the mean (a few
mansions skew the data).

Inputs and target are standardized, the loss goes down steadily and the test R^2
is about 0.8, in the same range as a plain sklearn LinearRegression. Is the
quantile setup right, and would a different q make sense for skewed prices?
"""
import numpy as np
import pandas as pd
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset
from sklearn.model_selection import train_test_split

rng = np.random.default_rng(3)
torch.manual_seed(3)

# ---------------------------------------------------------------- data
n = 1500
houses = pd.DataFrame({
    "sqft": rng.normal(1800, 500, n).clip(400, None),
    "bedrooms": rng.integers(1, 6, n),
    "age_years": rng.uniform(0, 80, n),
    "dist_center_km": rng.gamma(2.0, 4.0, n),
    "garage": rng.integers(0, 2, n),
})
noise = rng.standard_t(df=3, size=n) * 25_000
houses["price"] = (
    150 * houses["sqft"] + 12_000 * houses["bedrooms"] - 900 * houses["age_years"]
    - 4_000 * houses["dist_center_km"] + 20_000 * houses["garage"] + 60_000 + noise
)

FEATURES = ["sqft", "bedrooms", "age_years", "dist_center_km", "garage"]
TARGET = "price"
QUANTILE = 0.5

train_df, test_df = train_test_split(houses, test_size=0.25, random_state=3)
x_mean, x_std = train_df[FEATURES].mean(), train_df[FEATURES].std()
y_mean, y_std = train_df[TARGET].mean(), train_df[TARGET].std()
PRICE_MEAN, PRICE_STD = float(np.ravel(y_mean)[0]), float(np.ravel(y_std)[0])


def to_tensors(frame):
    x = ((frame[FEATURES] - x_mean) / x_std).to_numpy(dtype=np.float32)
    y = ((frame[TARGET] - y_mean) / y_std).to_numpy(dtype=np.float32)
    return torch.tensor(x), torch.tensor(y)


X_train, y_train = to_tensors(train_df)
X_test, y_test = to_tensors(test_df)
loader = DataLoader(TensorDataset(X_train, y_train), batch_size=64, shuffle=True)


# ---------------------------------------------------------------- model
class PriceRegressor(nn.Module):
    def __init__(self, n_in, hidden=64):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(n_in, hidden), nn.ReLU(),
            nn.Linear(hidden, hidden), nn.ReLU(),
            nn.Linear(hidden, 1),
        )

    def forward(self, x):
        return self.net(x).squeeze(-1)       # one price per house


def pinball_loss(pred, target, q=QUANTILE):
    diff = target - pred
    return torch.maximum(q * diff, (q - 1) * diff).mean()


model = PriceRegressor(len(FEATURES))
optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)

for epoch in range(1, 31):
    total = 0.0
    for xb, yb in loader:
        optimizer.zero_grad()
        loss = pinball_loss(model(xb), yb)
        loss.backward()
        optimizer.step()
        total += loss.item() * len(xb)
    if epoch % 5 == 0:
        print(f"epoch {epoch:2d}  pinball loss {total / len(X_train):.4f}")

# ---------------------------------------------------------------- evaluation in dollars
model.eval()
with torch.no_grad():
    pred = model(X_test).numpy().reshape(-1) * PRICE_STD + PRICE_MEAN
true = test_df["price"].to_numpy()
mae = np.abs(pred - true).mean()
r2 = 1 - ((pred - true) ** 2).sum() / ((true - true.mean()) ** 2).sum()
print(f"prediction spread (std): {pred.std():,.0f}  vs true std {true.std():,.0f}")
print(f"test MAE: {mae:,.0f}   test R^2: {r2:.3f}")
