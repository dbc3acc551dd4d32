"""torch: heavily overlapping XOR-of-Gaussians data (about 80% is the best any classifier can reach) trained with gradient accumulation done right: loss divided by 4, step and zero_grad every 4 micro-batches (healthy)."""
import numpy as np
import torch
import torch.nn as nn

rng = np.random.default_rng(21)
torch.manual_seed(21)


def make_data(n):
    a = 1.2
    centers = np.array([[a, a], [-a, -a], [a, -a], [-a, a]])
    labels_of_center = np.array([0, 0, 1, 1])
    c = rng.integers(0, 4, size=n)
    informative = centers[c] + rng.normal(size=(n, 2))
    nuisance = rng.normal(size=(n, 6))
    return np.hstack([informative, nuisance]).astype(np.float32), labels_of_center[c]


X_train, y_train = make_data(1200)
X_test, y_test = make_data(600)
X_train, y_train = torch.from_numpy(X_train), torch.from_numpy(y_train).float()
X_test, y_test = torch.from_numpy(X_test), torch.from_numpy(y_test).float()

model = nn.Sequential(nn.Linear(8, 32), nn.ReLU(), nn.Linear(32, 32), nn.ReLU(), nn.Linear(32, 1))
criterion = nn.BCEWithLogitsLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, weight_decay=1e-3)
accum_steps = 4
micro_bs = 16

for epoch in range(20):
    model.train()
    perm = torch.randperm(len(X_train))
    optimizer.zero_grad()
    epoch_loss = 0.0
    for step, i in enumerate(range(0, len(X_train), micro_bs)):
        idx = perm[i:i + micro_bs]
        logits = model(X_train[idx]).squeeze(1)
        loss = criterion(logits, y_train[idx]) / accum_steps
        loss.backward()
        epoch_loss += loss.item() * accum_steps * len(idx)
        if (step + 1) % accum_steps == 0:
            optimizer.step()
            optimizer.zero_grad()
    if (epoch + 1) % 5 == 0:
        model.eval()
        with torch.no_grad():
            test_logits = model(X_test).squeeze(1)
            test_loss = criterion(test_logits, y_test).item()
            test_acc = ((test_logits > 0).float() == y_test).float().mean().item()
        print(f"epoch {epoch + 1}: train loss {epoch_loss / len(X_train):.4f}  "
              f"test loss {test_loss:.4f}  test acc {test_acc:.3f}")
