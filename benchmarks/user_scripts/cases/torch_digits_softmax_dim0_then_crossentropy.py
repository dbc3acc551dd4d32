"""Digits classifier whose forward ends with nn.Softmax(dim=0) (over the batch, not the classes) fed to CrossEntropyLoss, which expects logits; the test loop predicts one image at a time."""
import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

torch.manual_seed(0)
np.random.seed(0)

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=0)
scaler = StandardScaler().fit(X_train)
X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)

train_loader = DataLoader(
    TensorDataset(torch.tensor(X_train, dtype=torch.float32), torch.tensor(y_train)),
    batch_size=32, shuffle=True,
)


class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(64, 64)
        self.fc2 = nn.Linear(64, 10)
        self.act = nn.ReLU()
        self.softmax = nn.Softmax(dim=0)

    def forward(self, x):
        x = self.act(self.fc1(x))
        return self.softmax(self.fc2(x))


model = Classifier()
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)

for epoch in range(20):
    total = 0.0
    for xb, yb in train_loader:
        optimizer.zero_grad()
        loss = criterion(model(xb), yb)
        loss.backward()
        optimizer.step()
        total += loss.item() * len(xb)
    if epoch % 5 == 4:
        print(f"epoch {epoch + 1}: loss {total / len(train_loader.dataset):.4f}")

test_loader = DataLoader(
    TensorDataset(torch.tensor(X_test, dtype=torch.float32), torch.tensor(y_test)),
    batch_size=1, shuffle=False,
)

model.eval()
preds = []
with torch.no_grad():
    for xb, _ in test_loader:
        probs = model(xb)
        preds.append(probs.argmax(1).item())
pred = np.array(preds)
print("probabilities of last test sample:", probs[0].numpy().round(3))
print("predictions:", pred[:20])
print(f"test accuracy: {(pred == y_test).mean():.3f}")
