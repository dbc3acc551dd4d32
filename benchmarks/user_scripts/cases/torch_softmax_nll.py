"""torch: Softmax (not LogSoftmax) fed to NLLLoss."""
import torch
from torch import nn
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

torch.manual_seed(4)
x, y = load_digits(return_X_y=True)
x_train, x_test, y_train, y_test = train_test_split(x / 16.0, y, test_size=0.2, random_state=4)
x_train, x_test = (torch.tensor(a, dtype=torch.float32) for a in (x_train, x_test))
y_train, y_test = torch.tensor(y_train), torch.tensor(y_test)

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(64, 64)
        self.fc2 = nn.Linear(64, 10)
        self.out = nn.Softmax(dim=1)
    def forward(self, x):
        return self.out(self.fc2(torch.relu(self.fc1(x))))

net = Net()
optimizer = torch.optim.Adam(net.parameters(), lr=1e-3)
criterion = nn.NLLLoss()
loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x_train, y_train), batch_size=32, shuffle=True)
for epoch in range(10):
    for xb, yb in loader:
        optimizer.zero_grad()
        loss = criterion(net(xb), yb)
        loss.backward()
        optimizer.step()
net.eval()
with torch.no_grad():
    print("test accuracy", (net(x_test).argmax(1) == y_test).float().mean().item())
