"""
Wine cultivar classifier (sklearn's wine data) with a small PyTorch MLP.

Training looks great: the validation accuracy printed during training is ~95-100%.
Then I wrote a `predict_bottle()` helper for our little lab app that takes the 13
measurements of one bottle and returns the cultivar. When I run that helper over the
held-out bottles the accuracy is awful and almost every bottle gets the same
cultivar. Same model, same weights -- why does the app predict garbage?
"""
import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_wine
from sklearn.model_selection import train_test_split

SEED = 7
torch.manual_seed(SEED)
np.random.seed(SEED)

CONFIG = {"hidden": 32, "lr": 1e-2, "epochs": 40, "batch_size": 16}


def standardize(x, mean=None, std=None):
    """Z-score a feature array. Pass the training stats to reuse them."""
    x = np.asarray(x, dtype=np.float32)
    if mean is None:
        mean = x.mean(axis=0)
    if std is None:
        std = x.std(axis=0)
    return (x - mean) / std


class CultivarNet(nn.Module):
    def __init__(self, n_features, n_classes, hidden):
        super().__init__()
        self.body = nn.Sequential(
            nn.Linear(n_features, hidden), nn.ReLU(),
            nn.Linear(hidden, hidden), nn.ReLU(),
        )
        self.head = nn.Linear(hidden, n_classes)

    def forward(self, x):
        return self.head(self.body(x))


wine = load_wine(as_frame=True)
df = wine.frame
FEATURES = list(wine.feature_names)

# bottles kept aside for the app check
train_df, app_df = train_test_split(df, test_size=0.3, random_state=SEED, stratify=df["target"])
fit_df, val_df = train_test_split(train_df, test_size=0.2, random_state=SEED, stratify=train_df["target"])

train_mean = fit_df[FEATURES].to_numpy(dtype=np.float32).mean(axis=0)
train_std = fit_df[FEATURES].to_numpy(dtype=np.float32).std(axis=0)

X_fit = torch.from_numpy(standardize(fit_df[FEATURES], train_mean, train_std))
y_fit = torch.tensor(fit_df["target"].to_numpy(), dtype=torch.long)
X_val = torch.from_numpy(standardize(val_df[FEATURES], train_mean, train_std))
y_val = torch.tensor(val_df["target"].to_numpy(), dtype=torch.long)

model = CultivarNet(len(FEATURES), 3, CONFIG["hidden"])
optimizer = torch.optim.Adam(model.parameters(), lr=CONFIG["lr"])
criterion = nn.CrossEntropyLoss()

for epoch in range(CONFIG["epochs"]):
    model.train()
    perm = torch.randperm(len(X_fit))
    running = 0.0
    for i in range(0, len(perm), CONFIG["batch_size"]):
        idx = perm[i:i + CONFIG["batch_size"]]
        optimizer.zero_grad()
        loss = criterion(model(X_fit[idx]), y_fit[idx])
        loss.backward()
        optimizer.step()
        running += loss.item() * len(idx)
    if epoch % 10 == 9:
        model.eval()
        with torch.no_grad():
            val_acc = (model(X_val).argmax(1) == y_val).float().mean().item()
        print(f"epoch {epoch + 1:3d}  train loss {running / len(X_fit):.4f}  val acc {val_acc:.3f}")


def predict_bottle(measurements):
    """measurements: a pandas Series (or dict) with the 13 lab values of one bottle."""
    x = np.array([measurements[f] for f in FEATURES], dtype=np.float32)
    x = standardize(x)
    model.eval()
    with torch.no_grad():
        logits = model(torch.from_numpy(x).unsqueeze(0))
    return int(logits.argmax(1).item())


preds = [predict_bottle(row) for _, row in app_df.iterrows()]
app_acc = float(np.mean(np.array(preds) == app_df["target"].to_numpy()))
print("predicted cultivars:", np.bincount(preds, minlength=3))
print(f"app test accuracy (predict_bottle): {app_acc:.3f}")
