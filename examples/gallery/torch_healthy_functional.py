"""A healthy PyTorch loop written with the functional loss (F.cross_entropy) and scaled pixels."""
import torch
import torch.nn.functional as F
from torch import nn
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

torch.manual_seed(0)
images, labels = load_digits(return_X_y=True)
x_train, x_val, y_train, y_val = train_test_split(images / 16.0, labels, test_size=0.25, random_state=0)
x_train, x_val = torch.tensor(x_train, dtype=torch.float32), torch.tensor(x_val, dtype=torch.float32)
y_train, y_val = torch.tensor(y_train), torch.tensor(y_val)

model = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10))
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)

for epoch in range(15):
    model.train()
    for i in range(0, len(x_train), 32):
        optimizer.zero_grad()
        loss = F.cross_entropy(model(x_train[i:i + 32]), y_train[i:i + 32])
        loss.backward()
        optimizer.step()
model.eval()
with torch.no_grad():
    accuracy = (model(x_val).argmax(1) == y_val).float().mean().item()
print(f"validation accuracy: {accuracy:.3f}")
