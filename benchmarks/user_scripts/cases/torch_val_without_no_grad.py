"""torch: a healthy loop whose validation loss is computed without torch.no_grad() (common and harmless)."""
import torch
from torch import nn
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

torch.manual_seed(52)
x, y = load_digits(return_X_y=True)
x_train, x_val, y_train, y_val = train_test_split(x / 16.0, y, test_size=0.2, random_state=52, stratify=y)
x_train, x_val = (torch.tensor(a, dtype=torch.float32) for a in (x_train, x_val))
y_train, y_val = torch.tensor(y_train), torch.tensor(y_val)
model = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Dropout(0.2), nn.Linear(64, 10))
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
loss_fn = nn.CrossEntropyLoss()
for epoch in range(15):
    model.train()
    perm = torch.randperm(len(x_train))
    for i in range(0, len(x_train), 32):
        idx = perm[i:i+32]
        opt.zero_grad()
        loss_fn(model(x_train[idx]), y_train[idx]).backward()
        opt.step()
    model.eval()
    val_out = model(x_val)
    val_loss = loss_fn(val_out, y_val)
    print(epoch, round(val_loss.item(), 3), (val_out.argmax(1) == y_val).float().mean().item())
