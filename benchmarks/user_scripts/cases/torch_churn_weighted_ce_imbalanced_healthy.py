"""torch: churn-style 92/8 imbalanced binary problem trained with class-weighted CrossEntropyLoss (weights from inverse class frequency) and evaluated with balanced accuracy and minority recall (healthy)."""
import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from sklearn.metrics import balanced_accuracy_score, recall_score, accuracy_score

SEED = 11
np.random.seed(SEED)
torch.manual_seed(SEED)

X, y = make_classification(n_samples=1500, n_features=16, n_informative=6, n_redundant=2,
                           weights=[0.92, 0.08], class_sep=1.2, flip_y=0.0, random_state=SEED)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, stratify=y, random_state=SEED)
scaler = StandardScaler().fit(X_train)
X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)

counts = np.bincount(y_train)
class_weights = torch.tensor(len(y_train) / (2 * counts), dtype=torch.float32)
print("class counts:", counts.tolist(), "weights:", [round(w, 2) for w in class_weights.tolist()])

train_ds = torch.utils.data.TensorDataset(torch.tensor(X_train, dtype=torch.float32), torch.tensor(y_train))
test_ds = torch.utils.data.TensorDataset(torch.tensor(X_test, dtype=torch.float32), torch.tensor(y_test))
train_loader = torch.utils.data.DataLoader(train_ds, batch_size=64, shuffle=True)
test_loader = torch.utils.data.DataLoader(test_ds, batch_size=256, shuffle=False)

model = nn.Sequential(nn.Linear(16, 64), nn.ReLU(), nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 2))
criterion = nn.CrossEntropyLoss(weight=class_weights)
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, weight_decay=1e-4)

for epoch in range(40):
    model.train()
    for xb, yb in train_loader:
        optimizer.zero_grad()
        loss = criterion(model(xb), yb)
        loss.backward()
        optimizer.step()

model.eval()
preds, targets, test_loss = [], [], 0.0
with torch.no_grad():
    for xb, yb in test_loader:
        out = model(xb)
        test_loss += criterion(out, yb).item() * len(xb)
        preds.append(out.argmax(1))
        targets.append(yb)
preds = torch.cat(preds).numpy()
targets = torch.cat(targets).numpy()
print(f"test loss: {test_loss / len(test_ds):.4f}")
print(f"accuracy: {accuracy_score(targets, preds):.3f}")
print(f"balanced accuracy: {balanced_accuracy_score(targets, preds):.3f}")
print(f"minority recall: {recall_score(targets, preds):.3f}")
