"""torch: user standardises the digits pixels by hand with (X - mean) / std, but some border pixels are always 0 so their std is 0 and those columns become NaN, which makes the loss NaN and every prediction the same."""
import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(123)
np.random.seed(123)

X, y = load_digits(return_X_y=True)
X = (X - X.mean(axis=0)) / X.std(axis=0)

X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=123, stratify=y)

train_loader = DataLoader(
    TensorDataset(torch.FloatTensor(X_train), torch.LongTensor(y_train)), batch_size=32, shuffle=True
)
X_test_t = torch.FloatTensor(X_test)
y_test_t = torch.LongTensor(y_test)


class MLP(nn.Module):
    def __init__(self, n_in=64, n_hidden=100, n_out=10):
        super().__init__()
        self.fc1 = nn.Linear(n_in, n_hidden)
        self.relu = nn.ReLU()
        self.dropout = nn.Dropout(0.2)
        self.fc2 = nn.Linear(n_hidden, n_out)

    def forward(self, x):
        return self.fc2(self.dropout(self.relu(self.fc1(x))))


model = MLP()
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)

for epoch in range(20):
    model.train()
    losses = []
    for xb, yb in train_loader:
        optimizer.zero_grad()
        loss = criterion(model(xb), yb)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    print(f"Epoch {epoch + 1:2d} | loss: {np.mean(losses):.4f}")

model.eval()
with torch.no_grad():
    predicted = model(X_test_t).argmax(dim=1)
accuracy = (predicted == y_test_t).float().mean().item()
print(f"Test accuracy: {accuracy * 100:.2f}%")
