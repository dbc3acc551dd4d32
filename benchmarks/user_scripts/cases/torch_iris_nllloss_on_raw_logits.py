"""Iris classifier whose model returns raw logits from the last nn.Linear, but the user trains with nn.NLLLoss (which expects log-probabilities) instead of CrossEntropyLoss, so the loss just pushes one logit up without bound."""
import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset
from sklearn.datasets import load_iris
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

torch.set_num_threads(1)
torch.manual_seed(1)
np.random.seed(0)

X, y = load_iris(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, random_state=4, stratify=y)
scaler = StandardScaler().fit(X_train)
X_train = torch.tensor(scaler.transform(X_train), dtype=torch.float32)
X_test = torch.tensor(scaler.transform(X_test), dtype=torch.float32)
y_train, y_test = torch.tensor(y_train), torch.tensor(y_test)
loader = DataLoader(TensorDataset(X_train, y_train), batch_size=16, shuffle=True)


class IrisNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden = nn.Linear(4, 16)
        self.out = nn.Linear(16, 3)

    def forward(self, x):
        return self.out(torch.relu(self.hidden(x)))


model = IrisNet()
criterion = nn.NLLLoss()
optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)

for epoch in range(50):
    model.train()
    for xb, yb in loader:
        optimizer.zero_grad()
        loss = criterion(model(xb), yb)
        loss.backward()
        optimizer.step()
    if epoch % 10 == 9:
        print(f"epoch {epoch + 1}: loss {loss.item():.2f}")

model.eval()
with torch.no_grad():
    logits = model(X_test)
pred = logits.argmax(1)
print("test accuracy:", round((pred == y_test).float().mean().item(), 3))
print("predicted class counts:", torch.bincount(pred, minlength=3).tolist())
print("softmax of first 3 test samples:", torch.softmax(logits[:3], 1).numpy().round(3).tolist())
