"""torch: digits MLP with dropout, label-smoothed CrossEntropyLoss (0.2) and a per-step linear warm-up + cosine LR schedule; switches to eval() for the test pass, whose loss stays high because of the smoothing (healthy)."""
import math
import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

torch.manual_seed(5)
np.random.seed(5)

X, y = load_digits(return_X_y=True)
X = (X / 16.0 - 0.5) / 0.5
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, stratify=y, random_state=5)
train_ds = torch.utils.data.TensorDataset(torch.tensor(X_train, dtype=torch.float32), torch.tensor(y_train))
test_ds = torch.utils.data.TensorDataset(torch.tensor(X_test, dtype=torch.float32), torch.tensor(y_test))
train_loader = torch.utils.data.DataLoader(train_ds, batch_size=32, shuffle=True)
test_loader = torch.utils.data.DataLoader(test_ds, batch_size=128)

model = nn.Sequential(
    nn.Linear(64, 256), nn.ReLU(), nn.Dropout(0.5),
    nn.Linear(256, 128), nn.ReLU(), nn.Dropout(0.5),
    nn.Linear(128, 10),
)
criterion = nn.CrossEntropyLoss(label_smoothing=0.2)
optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=1e-2)

epochs = 25
total_steps = epochs * len(train_loader)
warmup_steps = 2 * len(train_loader)


def lr_lambda(step):
    if step < warmup_steps:
        return (step + 1) / warmup_steps
    progress = (step - warmup_steps) / max(1, total_steps - warmup_steps)
    return 0.5 * (1.0 + math.cos(math.pi * progress))


scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lr_lambda)

for epoch in range(epochs):
    model.train()
    running = 0.0
    for xb, yb in train_loader:
        optimizer.zero_grad()
        loss = criterion(model(xb), yb)
        loss.backward()
        optimizer.step()
        scheduler.step()
        running += loss.item() * len(xb)

    model.eval()
    test_loss, correct = 0.0, 0
    with torch.no_grad():
        for xb, yb in test_loader:
            out = model(xb)
            test_loss += criterion(out, yb).item() * len(xb)
            correct += (out.argmax(1) == yb).sum().item()
    if (epoch + 1) % 5 == 0:
        print(f"epoch {epoch + 1:2d}  lr {scheduler.get_last_lr()[0]:.2e}  train loss {running / len(train_ds):.3f}  "
              f"test loss {test_loss / len(test_ds):.3f}  test acc {correct / len(test_ds):.3f}")
