"""
Digit recognizer (sklearn digits, 64 pixel features) with a "tapered" MLP: I wrote
a small builder that shrinks the width by a constant factor at every hidden layer
(like the funnel architectures in the tabular-DL papers), BatchNorm-free, GELU,
SGD with momentum and a StepLR schedule. Train accuracy stalls around 0.42 and
test accuracy is ~0.42 after 30 epochs. The loss creeps from 2.30 down to ~1.4
and then flat-lines. I tried lr 0.01/0.05/0.1, Adam, 60 epochs: always somewhere
between 0.3 and 0.5. A sklearn MLPClassifier gets 0.97 here.
"""
from types import SimpleNamespace

import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import MinMaxScaler

torch.manual_seed(0)
torch.set_num_threads(1)

args = SimpleNamespace(depth=3, shrink=4, lr=0.05, momentum=0.9, epochs=30,
                       batch_size=64, step_size=12, gamma=0.3, seed=0)


def build_tapered_mlp(in_dim, n_classes, depth, shrink):
    widths = [in_dim // shrink ** i for i in range(1, depth + 1)]
    layers, prev = [], in_dim
    for w in widths:
        layers += [nn.Linear(prev, w), nn.GELU()]
        prev = w
    layers.append(nn.Linear(prev, n_classes))
    return nn.Sequential(*layers)


def loaders(batch_size, seed):
    X, y = load_digits(return_X_y=True)
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.25, random_state=seed,
                                              stratify=y)
    sc = MinMaxScaler().fit(X_tr)
    mk = lambda a, b: TensorDataset(torch.tensor(sc.transform(a), dtype=torch.float32),
                                    torch.tensor(b, dtype=torch.long))
    return (DataLoader(mk(X_tr, y_tr), batch_size=batch_size, shuffle=True),
            DataLoader(mk(X_te, y_te), batch_size=512))


def acc(model, loader):
    model.eval()
    with torch.no_grad():
        correct = sum((model(x).argmax(1) == y).sum().item() for x, y in loader)
    return correct / len(loader.dataset)


def main():
    train_dl, test_dl = loaders(args.batch_size, args.seed)
    model = build_tapered_mlp(64, 10, args.depth, args.shrink)
    opt = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=args.momentum)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=args.step_size, gamma=args.gamma)
    crit = nn.CrossEntropyLoss()
    for epoch in range(args.epochs):
        model.train()
        running = 0.0
        for x, y in train_dl:
            opt.zero_grad()
            loss = crit(model(x), y)
            loss.backward()
            opt.step()
            running += loss.item() * len(y)
        sched.step()
        if (epoch + 1) % 10 == 0:
            print(f"epoch {epoch + 1}: loss {running / len(train_dl.dataset):.3f} "
                  f"train acc {acc(model, train_dl):.3f}")
    print(f"test accuracy: {acc(model, test_dl):.3f}")


if __name__ == "__main__":
    main()
