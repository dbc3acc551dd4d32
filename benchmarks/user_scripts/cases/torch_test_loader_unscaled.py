"""torch: training pixels divided by 16, the test loader's are not."""
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

torch.manual_seed(5)
x, y = load_digits(return_X_y=True)
x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.25, random_state=5, stratify=y)
train = TensorDataset(torch.tensor(x_train / 16.0, dtype=torch.float32), torch.tensor(y_train))
test = TensorDataset(torch.tensor(x_test, dtype=torch.float32), torch.tensor(y_test))
model = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10))
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
for epoch in range(15):
    for xb, yb in DataLoader(train, batch_size=32, shuffle=True):
        opt.zero_grad()
        nn.functional.cross_entropy(model(xb), yb).backward()
        opt.step()
model.eval()
correct = 0
with torch.no_grad():
    for xb, yb in DataLoader(test, batch_size=64):
        correct += (model(xb).argmax(1) == yb).sum().item()
print("test accuracy", correct / len(test))
