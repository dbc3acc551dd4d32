"""
Gearbox fault classifier (4 fault types) on 24 engineered vibration features.
I copied the gradient-accumulation setup from a paper repo so I can emulate their
effective batch size of 4096 on my laptop. Training runs, no errors, but the
logged loss is flat at ~1.39 (= ln 4) for all 40 epochs and validation accuracy
is ~0.25, i.e. chance. I tried lr 1e-3, 3e-3 and 1e-2, and AdamW vs Adam, no
difference at all. The features are standardized and a RandomForest gets ~0.9
on the same split, so the data is fine.
"""
import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

torch.manual_seed(1)
torch.set_num_threads(1)

CONFIG = {
    "micro_batch": 64,
    "effective_batch": 4096,
    "lr": 1e-2,
    "weight_decay": 1e-4,
    "epochs": 40,
    "hidden": [64, 32],
    "dropout": 0.1,
}


def load_gearbox_data(seed=7):
    X, y = make_classification(n_samples=2000, n_features=24, n_informative=12,
                               n_redundant=6, n_classes=4, n_clusters_per_class=2,
                               class_sep=1.2, random_state=seed)
    return X.astype(np.float32), y.astype(np.int64)


class FaultMLP(nn.Module):
    def __init__(self, n_in, hidden, n_out, dropout):
        super().__init__()
        layers, prev = [], n_in
        for h in hidden:
            layers += [nn.Linear(prev, h), nn.ReLU(), nn.Dropout(dropout)]
            prev = h
        layers.append(nn.Linear(prev, n_out))
        self.net = nn.Sequential(*layers)

    def forward(self, x):
        return self.net(x)


class Trainer:
    def __init__(self, model, cfg):
        self.model = model
        self.cfg = cfg
        self.opt = torch.optim.AdamW(model.parameters(), lr=cfg["lr"],
                                     weight_decay=cfg["weight_decay"])
        self.crit = nn.CrossEntropyLoss()
        self.accum_steps = cfg["effective_batch"] // cfg["micro_batch"]

    def fit_epoch(self, loader):
        self.model.train()
        total, n = 0.0, 0
        self.opt.zero_grad()
        for i, (xb, yb) in enumerate(loader):
            loss = self.crit(self.model(xb), yb) / self.accum_steps
            loss.backward()
            if (i + 1) % self.accum_steps == 0:
                self.opt.step()
                self.opt.zero_grad()
            total += loss.item() * self.accum_steps * len(yb)
            n += len(yb)
        return total / n

    @torch.no_grad()
    def accuracy(self, loader):
        self.model.eval()
        hits = sum((self.model(xb).argmax(1) == yb).sum().item() for xb, yb in loader)
        return hits / len(loader.dataset)


def main():
    X, y = load_gearbox_data()
    X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.25, random_state=0, stratify=y)
    scaler = StandardScaler().fit(X_tr)
    X_tr, X_va = scaler.transform(X_tr), scaler.transform(X_va)
    train_dl = DataLoader(TensorDataset(torch.tensor(X_tr, dtype=torch.float32), torch.tensor(y_tr)),
                          batch_size=CONFIG["micro_batch"], shuffle=True)
    val_dl = DataLoader(TensorDataset(torch.tensor(X_va, dtype=torch.float32), torch.tensor(y_va)),
                        batch_size=512)

    model = FaultMLP(X.shape[1], CONFIG["hidden"], 4, CONFIG["dropout"])
    trainer = Trainer(model, CONFIG)
    for epoch in range(CONFIG["epochs"]):
        tr_loss = trainer.fit_epoch(train_dl)
        if (epoch + 1) % 10 == 0:
            print(f"epoch {epoch + 1:02d} loss {tr_loss:.4f} val_acc {trainer.accuracy(val_dl):.3f}")
    print(f"final validation accuracy: {trainer.accuracy(val_dl):.4f}")


if __name__ == "__main__":
    main()
