"""
Two-moons binary classification with a small generic Trainer class I reuse across
projects (BCEWithLogitsLoss, Adam, sigmoid + 0.5 threshold for predictions).
The model class returns log-probabilities because our scoring service logs them.

The loss goes down nicely during training, but the reported accuracy is exactly
the share of class 0 in every split, and predict() never returns a single 1. With the
same Trainer and a plain nn.Sequential everything works. Why would the model class matter?
"""
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset
from sklearn.datasets import make_moons
from sklearn.model_selection import train_test_split

torch.manual_seed(5)


class MoonNet(nn.Module):
    """Outputs log P(y=1 | x); the scoring service logs these values."""

    def __init__(self, hidden=32):
        super().__init__()
        self.features = nn.Sequential(
            nn.Linear(2, hidden), nn.ReLU(),
            nn.Linear(hidden, hidden), nn.ReLU(),
        )
        self.score = nn.Linear(hidden, 1)

    def forward(self, x):
        return F.logsigmoid(self.score(self.features(x)))


class Trainer:
    def __init__(self, model, lr=1e-2, batch_size=32, epochs=30):
        self.model = model
        self.batch_size = batch_size
        self.epochs = epochs
        self.loss_fn = nn.BCEWithLogitsLoss()
        self.opt = torch.optim.Adam(model.parameters(), lr=lr)

    def fit(self, X, y):
        loader = DataLoader(TensorDataset(X, y), batch_size=self.batch_size, shuffle=True)
        for epoch in range(1, self.epochs + 1):
            self.model.train()
            total = 0.0
            for xb, yb in loader:
                self.opt.zero_grad()
                loss = self.loss_fn(self.model(xb).squeeze(1), yb)
                loss.backward()
                self.opt.step()
                total += loss.item() * len(xb)
            if epoch % 10 == 0:
                print(f"epoch {epoch:3d}  loss {total / len(X):.4f}  train acc {self.score(X, y):.3f}")
        return self

    @torch.no_grad()
    def predict(self, X):
        self.model.eval()
        return (torch.sigmoid(self.model(X).squeeze(1)) > 0.5).float()

    def score(self, X, y):
        return (self.predict(X) == y).float().mean().item()


X, y = make_moons(n_samples=1200, noise=0.25, random_state=5)
X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.25, random_state=5)
X_tr, X_te = torch.tensor(X_tr, dtype=torch.float32), torch.tensor(X_te, dtype=torch.float32)
y_tr, y_te = torch.tensor(y_tr, dtype=torch.float32), torch.tensor(y_te, dtype=torch.float32)

trainer = Trainer(MoonNet()).fit(X_tr, y_tr)
pred = trainer.predict(X_te)
print(f"predicted ones on test: {int(pred.sum())} / {len(pred)}")
print(f"test accuracy: {trainer.score(X_te, y_te):.3f}")
