"""torch: a large MLP on 30 labelled digit images (all the user has labelled so far)."""
import torch
from torch import nn
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

torch.manual_seed(25)
x, y = load_digits(return_X_y=True)
x = x / 16.0
x_train, x_test, y_train, y_test = train_test_split(x, y, train_size=30, test_size=500, random_state=25)
x_train, x_test = torch.tensor(x_train, dtype=torch.float32), torch.tensor(x_test, dtype=torch.float32)
y_train, y_test = torch.tensor(y_train), torch.tensor(y_test)
model = nn.Sequential(nn.Linear(64, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(), nn.Linear(256, 10))
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
loss_fn = nn.CrossEntropyLoss()
for epoch in range(200):
    opt.zero_grad()
    loss = loss_fn(model(x_train), y_train)
    loss.backward()
    opt.step()
model.eval()
with torch.no_grad():
    print("train loss", loss.item(), "test accuracy", (model(x_test).argmax(1) == y_test).float().mean().item())
