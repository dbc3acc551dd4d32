"""torch: defect detection on a 97/3 imbalanced make_classification set, trained with plain unweighted CrossEntropyLoss; the net predicts "no defect" for everything, so accuracy looks high while defect recall is 0."""
import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from sklearn.metrics import recall_score

torch.manual_seed(42)
np.random.seed(42)

X, y = make_classification(n_samples=1500, n_features=20, n_informative=4, n_redundant=4,
                           weights=[0.97, 0.03], class_sep=1.2, flip_y=0.0, random_state=42)
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.3, stratify=y, random_state=42)
scaler = StandardScaler().fit(X_train)
X_train = torch.tensor(scaler.transform(X_train), dtype=torch.float32)
X_val = torch.tensor(scaler.transform(X_val), dtype=torch.float32)
y_train_t = torch.tensor(y_train)
y_val_t = torch.tensor(y_val)

model = nn.Sequential(nn.Linear(20, 32), nn.ReLU(), nn.Linear(32, 2))
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.05)

for epoch in range(30):
    model.train()
    perm = torch.randperm(len(X_train))
    for i in range(0, len(X_train), 64):
        idx = perm[i:i + 64]
        optimizer.zero_grad()
        loss = criterion(model(X_train[idx]), y_train_t[idx])
        loss.backward()
        optimizer.step()
    model.eval()
    with torch.no_grad():
        val_logits = model(X_val)
        val_loss = criterion(val_logits, y_val_t).item()
        val_acc = (val_logits.argmax(1) == y_val_t).float().mean().item()
    if (epoch + 1) % 10 == 0:
        print(f"epoch {epoch + 1}: val loss {val_loss:.4f}  val accuracy {val_acc:.3f}")

pred = val_logits.argmax(1).numpy()
print(f"validation accuracy: {val_acc:.3f}")
print(f"defect recall: {recall_score(y_val, pred, zero_division=0):.3f}  (defects in val: {int(y_val.sum())})")
