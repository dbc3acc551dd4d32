"""Bug: 8-bit pixel values (0..255) go into the network unscaled (x / 255 was forgotten)."""
import torch
import torch.nn.functional as F
from torch import nn
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

torch.manual_seed(0)
images, labels = load_digits(return_X_y=True)
pixels = images * 16  # the 8x8 digits as an 8-bit camera would store them: 0..255
x_train, x_val, y_train, y_val = train_test_split(pixels, labels, test_size=0.25, random_state=0)
x_train, x_val = torch.tensor(x_train, dtype=torch.float32), torch.tensor(x_val, dtype=torch.float32)
y_train, y_val = torch.tensor(y_train), torch.tensor(y_val)

model = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10))
optimizer = torch.optim.SGD(model.parameters(), lr=0.01)

for epoch in range(15):
    for i in range(0, len(x_train), 32):
        optimizer.zero_grad()
        loss = F.cross_entropy(model(x_train[i:i + 32]), y_train[i:i + 32])
        loss.backward()
        optimizer.step()
model.eval()
with torch.no_grad():
    accuracy = (model(x_val).argmax(1) == y_val).float().mean().item()
print(f"validation accuracy: {accuracy:.3f}")
