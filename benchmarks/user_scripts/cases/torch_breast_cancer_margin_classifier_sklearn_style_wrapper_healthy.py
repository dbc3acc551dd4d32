"""
I wrapped a small PyTorch net in an sklearn-style class (fit / predict / score) so
I can drop it into my existing tumour-classification notebook next to an SVM.
Since the SVM uses a margin-based loss I used nn.SoftMarginLoss with a single
output and predict sign(score). The loss drops fast in the first epochs and
then sits at 0.259, but score() on the test set is 0.63 every time and
classification_report says recall for class 0 (malignant) is 0.00. The SVM gets
0.97 on the same split. Features are standardized, I tried lr 1e-2/1e-3, more
hidden units, more epochs, still 0.63.
"""
import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_breast_cancer
from sklearn.metrics import classification_report
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

torch.manual_seed(0)
torch.set_num_threads(1)


class TorchMarginClassifier:
    def __init__(self, hidden=32, lr=1e-2, epochs=60, batch_size=64, seed=0):
        self.hidden, self.lr, self.epochs = hidden, lr, epochs
        self.batch_size, self.seed = batch_size, seed
        self.scaler = StandardScaler()

    def _build(self, n_features):
        return nn.Sequential(nn.Linear(n_features, self.hidden), nn.ReLU(),
                             nn.Linear(self.hidden, 1))

    def _targets(self, y):
        return torch.as_tensor(2 * np.asarray(y) - 1, dtype=torch.float32)

    def fit(self, X, y):
        g = torch.Generator().manual_seed(self.seed)
        X = torch.as_tensor(self.scaler.fit_transform(X), dtype=torch.float32)
        t = self._targets(y)
        self.net_ = self._build(X.shape[1])
        opt = torch.optim.Adam(self.net_.parameters(), lr=self.lr)
        crit = nn.SoftMarginLoss()
        self.history_ = []
        for epoch in range(self.epochs):
            perm = torch.randperm(len(X), generator=g)
            tot = 0.0
            for i in range(0, len(X), self.batch_size):
                idx = perm[i:i + self.batch_size]
                opt.zero_grad()
                loss = crit(self.net_(X[idx]).squeeze(1), t[idx])
                loss.backward()
                opt.step()
                tot += loss.item() * len(idx)
            self.history_.append(tot / len(X))
        return self

    def decision_function(self, X):
        X = torch.as_tensor(self.scaler.transform(X), dtype=torch.float32)
        with torch.no_grad():
            return self.net_(X).squeeze(1).numpy()

    def predict(self, X):
        return (self.decision_function(X) > 0).astype(int)

    def score(self, X, y):
        return float((self.predict(X) == np.asarray(y)).mean())


if __name__ == "__main__":
    data = load_breast_cancer()
    X_tr, X_te, y_tr, y_te = train_test_split(data.data, data.target, test_size=0.25,
                                              random_state=5, stratify=data.target)
    svm = make_pipeline(StandardScaler(), SVC()).fit(X_tr, y_tr)
    print(f"SVM baseline accuracy: {svm.score(X_te, y_te):.3f}")

    clf = TorchMarginClassifier().fit(X_tr, y_tr)
    print("loss by epoch:", " ".join(f"{l:.3f}" for l in clf.history_[::10]))
    print(classification_report(y_te, clf.predict(X_te), target_names=data.target_names,
                                zero_division=0))
    print(f"torch model test accuracy: {clf.score(X_te, y_te):.3f}")
