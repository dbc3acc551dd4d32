"""torch: the scaler is applied to the training data only; the test set goes in raw."""
import torch
from torch import nn
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

torch.manual_seed(7)
x, y = load_breast_cancer(return_X_y=True)
x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.25, random_state=7, stratify=y)
sc = StandardScaler().fit(x_train); x_train = sc.transform(x_train)
xt = torch.tensor(x_train, dtype=torch.float32)
yt = torch.tensor(y_train, dtype=torch.float32).unsqueeze(1)
model = nn.Sequential(nn.Linear(30, 16), nn.ReLU(), nn.Linear(16, 1))
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
loss_fn = nn.BCEWithLogitsLoss()
for epoch in range(50):
    perm = torch.randperm(len(xt))
    for i in range(0, len(xt), 32):
        idx = perm[i:i+32]
        opt.zero_grad()
        loss_fn(model(xt[idx]), yt[idx]).backward()
        opt.step()
model.eval()
with torch.no_grad():
    prob = torch.sigmoid(model(torch.tensor(sc.transform(x_test), dtype=torch.float32))).squeeze(1)
print("test accuracy", ((prob > 0.5).numpy() == y_test).mean())
