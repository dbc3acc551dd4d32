"""torch: digits MLP with separate optimizers for the encoder and the classifier head (different learning rates), but only the head optimizer's zero_grad() is called, so the encoder's gradients keep accumulating."""
import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

torch.manual_seed(0)
np.random.seed(0)

X, y = load_digits(return_X_y=True)
X = X / 16.0
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, stratify=y, random_state=0)
X_train = torch.tensor(X_train, dtype=torch.float32)
X_test = torch.tensor(X_test, dtype=torch.float32)
y_train = torch.tensor(y_train)
y_test = torch.tensor(y_test)

encoder = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 64), nn.ReLU())
head = nn.Linear(64, 10)

opt_encoder = torch.optim.SGD(encoder.parameters(), lr=0.05, momentum=0.9)
opt_head = torch.optim.SGD(head.parameters(), lr=0.1, momentum=0.9)
criterion = nn.CrossEntropyLoss()

train_loader = torch.utils.data.DataLoader(
    torch.utils.data.TensorDataset(X_train, y_train), batch_size=32, shuffle=True)

for epoch in range(20):
    encoder.train(); head.train()
    running = 0.0
    for xb, yb in train_loader:
        opt_head.zero_grad()
        logits = head(encoder(xb))
        loss = criterion(logits, yb)
        loss.backward()
        opt_encoder.step()
        opt_head.step()
        running += loss.item()
    print(f"epoch {epoch + 1:2d}  loss {running / len(train_loader):.4f}")

encoder.eval(); head.eval()
with torch.no_grad():
    pred = head(encoder(X_test)).argmax(dim=1)
print(f"test accuracy: {(pred == y_test).float().mean().item():.3f}")
