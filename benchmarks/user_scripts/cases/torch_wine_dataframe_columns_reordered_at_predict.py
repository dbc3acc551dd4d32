"""Wine classifier trained on a DataFrame; the new batch comes from an export with the columns in alphabetical order and is scaled/predicted by position, so features land in the wrong slots."""
import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_wine
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

torch.manual_seed(0)
np.random.seed(0)

wine = load_wine(as_frame=True)
df = wine.frame
feature_cols = list(wine.feature_names)

train_df, new_df = train_test_split(df, test_size=0.3, random_state=0, stratify=df["target"])

scaler = StandardScaler()
X_train = scaler.fit_transform(train_df[feature_cols].to_numpy())
y_train = train_df["target"].to_numpy()

X_tr, X_val, y_tr, y_val = train_test_split(X_train, y_train, test_size=0.2, random_state=1)
X_tr, X_val = torch.tensor(X_tr, dtype=torch.float32), torch.tensor(X_val, dtype=torch.float32)
y_tr, y_val = torch.tensor(y_tr), torch.tensor(y_val)

model = nn.Sequential(nn.Linear(13, 32), nn.ReLU(), nn.Linear(32, 3))
opt = torch.optim.Adam(model.parameters(), lr=1e-2)
loss_fn = nn.CrossEntropyLoss()

for epoch in range(100):
    perm = torch.randperm(len(X_tr))
    for i in range(0, len(X_tr), 16):
        idx = perm[i:i + 16]
        opt.zero_grad()
        loss = loss_fn(model(X_tr[idx]), y_tr[idx])
        loss.backward()
        opt.step()

model.eval()
with torch.no_grad():
    val_acc = (model(X_val).argmax(1) == y_val).float().mean().item()
print(f"validation accuracy: {val_acc:.3f}")

# new samples arrive from the lab's export tool, which writes the columns sorted by name
incoming = new_df.drop(columns=["target"]).sort_index(axis=1)
X_new = torch.tensor(scaler.transform(incoming.to_numpy()), dtype=torch.float32)
with torch.no_grad():
    preds = model(X_new).argmax(1).numpy()
acc_new = (preds == new_df["target"].to_numpy()).mean()
print("first predictions:", preds[:15])
print(f"accuracy on the new batch: {acc_new:.3f}")
