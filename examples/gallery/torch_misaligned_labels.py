"""Bug: features and labels were loaded in different orders (the labels file is sorted)."""
import numpy as np
import torch
from torch import nn
from sklearn.datasets import load_digits
from sklearn.preprocessing import StandardScaler

torch.manual_seed(0)
x, y = load_digits(return_X_y=True)
rng = np.random.default_rng(0)
x = x[rng.permutation(len(x))]  # the features were exported in shuffled row order ...
x = torch.tensor(StandardScaler().fit_transform(x), dtype=torch.float32)
y = torch.tensor(y)  # ... the labels in the original one: row i's label belongs to another row

model = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10))
loss_fn = nn.CrossEntropyLoss()
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)

order = torch.randperm(len(x))
x, y = x[order], y[order]
x_train, y_train, x_val, y_val = x[:1400], y[:1400], x[1400:], y[1400:]
for epoch in range(10):
    for i in range(0, len(x_train), 32):
        optimizer.zero_grad()
        loss = loss_fn(model(x_train[i:i + 32]), y_train[i:i + 32])
        loss.backward()
        optimizer.step()
    model.eval()
    with torch.no_grad():
        val_out = model(x_val)
        print(f"epoch {epoch}: validation loss {loss_fn(val_out, y_val).item():.3f}, "
              f"accuracy {(val_out.argmax(1) == y_val).float().mean().item():.3f}")
    model.train()
