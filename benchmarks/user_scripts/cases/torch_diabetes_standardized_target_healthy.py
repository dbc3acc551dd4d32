"""torch: diabetes progression regression with inputs and targets standardized on the training split, MSE loss on the scaled target, predictions de-standardized before computing MAE and R^2 in original units (healthy)."""
import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_diabetes
from sklearn.model_selection import train_test_split
from sklearn.metrics import mean_absolute_error, r2_score

torch.manual_seed(2)
np.random.seed(2)

X, y = load_diabetes(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=2)

x_mean, x_std = X_train.mean(0), X_train.std(0)
y_mean, y_std = y_train.mean(), y_train.std()
Xtr = torch.tensor((X_train - x_mean) / x_std, dtype=torch.float32)
Xte = torch.tensor((X_test - x_mean) / x_std, dtype=torch.float32)
ytr = torch.tensor((y_train - y_mean) / y_std, dtype=torch.float32).view(-1, 1)
yte = torch.tensor((y_test - y_mean) / y_std, dtype=torch.float32).view(-1, 1)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden = nn.Sequential(nn.Linear(10, 32), nn.ReLU(), nn.Linear(32, 16), nn.ReLU())
        self.out = nn.Linear(16, 1)

    def forward(self, x):
        return self.out(self.hidden(x))


model = Net()
criterion = nn.MSELoss()
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, weight_decay=1e-3)
loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(Xtr, ytr), batch_size=32, shuffle=True)

for epoch in range(40):
    model.train()
    running = 0.0
    for xb, yb in loader:
        optimizer.zero_grad()
        loss = criterion(model(xb), yb)
        loss.backward()
        optimizer.step()
        running += loss.item() * len(xb)
    if (epoch + 1) % 10 == 0:
        model.eval()
        with torch.no_grad():
            val_loss = criterion(model(Xte), yte).item()
        print(f"epoch {epoch + 1}: train mse {running / len(Xtr):.4f}  test mse (scaled) {val_loss:.4f}")

model.eval()
with torch.no_grad():
    pred = model(Xte).numpy().ravel() * y_std + y_mean
print(f"test MAE: {mean_absolute_error(y_test, pred):.2f}")
print(f"test R^2: {r2_score(y_test, pred):.3f}")
