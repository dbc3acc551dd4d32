"""torch: user trains a ReLU vanilla RNN to regress the running total of long sequences with SGD+momentum and clips the gradient norm to 0.25 (healthy)."""
import numpy as np
import torch
import torch.nn as nn

torch.manual_seed(0)
np.random.seed(0)

SEQ_LEN = 60
N = 1200

X = np.random.randn(N, SEQ_LEN, 1).astype(np.float32)
y = X.sum(axis=1) / np.sqrt(SEQ_LEN)
y = y.astype(np.float32)

X_train, y_train = torch.from_numpy(X[:1000]), torch.from_numpy(y[:1000])
X_test, y_test = torch.from_numpy(X[1000:]), torch.from_numpy(y[1000:])


class SumRNN(nn.Module):
    def __init__(self, hidden=64):
        super().__init__()
        self.rnn = nn.RNN(1, hidden, batch_first=True, nonlinearity="relu")
        self.head = nn.Linear(hidden, 1)

    def forward(self, x):
        out, _ = self.rnn(x)
        return self.head(out[:, -1])


model = SumRNN()
optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
loss_fn = nn.MSELoss()

for epoch in range(30):
    perm = torch.randperm(len(X_train))
    total = 0.0
    for i in range(0, len(X_train), 32):
        idx = perm[i:i + 32]
        optimizer.zero_grad()
        pred = model(X_train[idx])
        loss = loss_fn(pred, y_train[idx])
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=0.25)
        optimizer.step()
        total += loss.item() * len(idx)
    print(f"epoch {epoch + 1}: train mse {total / len(X_train):.4f}")

with torch.no_grad():
    pred = model(X_test)
    mse = loss_fn(pred, y_test).item()
    r2 = 1 - ((pred - y_test) ** 2).sum().item() / ((y_test - y_test.mean()) ** 2).sum().item()
print(f"test MSE: {mse:.4f}  R^2: {r2:.4f}")
