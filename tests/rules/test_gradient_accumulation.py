"""GD005 gradient-accumulation: a torch loop without zero_grad(), and loops that clear."""

import pytest

from nndoctor import diagnose

from ..conftest import QUICK, blobs, causes, mlp, setup, split, train

P = "test_gradient_accumulation::"
COVERAGE = {
    "gradient-accumulation": ([P + "test_a_loop_without_zero_grad_is_gradient_accumulation",
                               P + "test_weights_blown_up_by_a_loop_without_zero_grad_are_gradient_accumulation"],
                              [P + "test_a_loop_that_clears_gradients_is_not_flagged",
                               P + "test_a_batch_norm_net_whose_last_batch_was_tiny_is_not_flagged",
                               P + "test_weights_blown_up_by_the_learning_rate_are_not_gradient_accumulation"]),
}


def _data():
    return split(*blobs(150, n_classes=3, n_features=4, seed=1))


def _sgd_loop(model, x, y, *, zero_grad: bool, epochs=3, lr=0.01, batch_size=32):
    """The user's own SGD loop, with or without the clear before backward()."""
    import torch
    torch.manual_seed(0)
    loss_fn = torch.nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    xt, yt = torch.as_tensor(x), torch.as_tensor(y)
    for _ in range(epochs):
        for i in range(0, len(xt), batch_size):
            if zero_grad:
                optimizer.zero_grad()
            loss_fn(model(xt[i:i + batch_size]), yt[i:i + batch_size]).backward()
            optimizer.step()
    return loss_fn, optimizer


def test_a_loop_without_zero_grad_is_gradient_accumulation(framework):
    if framework == "keras":
        pytest.skip("Keras's fit() clears gradients itself: there is no zero_grad() to forget")
    import torch
    x_train, x_val, y_train, y_val = _data()
    model = mlp(framework, 4, 3)
    loss_fn, optimizer = _sgd_loop(model, x_train, y_train, zero_grad=False)
    stored = [p.grad.clone() for p in model.parameters()]
    d = diagnose(model, x_train, y_train, validation_data=(x_val, y_val), loss=loss_fn,
                 optimizer=optimizer, budget=QUICK, epochs=10)
    assert d.primary_cause == "gradient-accumulation", [f.message for f in d.findings]
    assert d.primary.evidence["ratio"] >= 20
    # the stored gradients are evidence, read and left as they were
    assert all(torch.equal(a, p.grad) for a, p in zip(stored, model.parameters()))


def test_a_loop_that_clears_gradients_is_not_flagged(framework):
    x_train, x_val, y_train, y_val = _data()
    model = mlp(framework, 4, 3)
    if framework == "torch":
        loss_fn, optimizer = _sgd_loop(model, x_train, y_train, zero_grad=True)
        kwargs = {"loss": loss_fn, "optimizer": optimizer}
    else:
        kwargs = setup(framework, model, optimizer="sgd", lr=0.01)
        train(framework, model, x_train, y_train, epochs=3, optimizer="sgd", lr=0.01)
    d = diagnose(model, x_train, y_train, validation_data=(x_val, y_val), budget=QUICK, epochs=10, **kwargs)
    assert "gradient-accumulation" not in causes(d, ("error", "warning", "info"))
    if framework == "torch":
        ruled = next(r for r in d.ruled_out if r["cause"] == "gradient-accumulation")
        assert "at most" in ruled["why"]


def test_a_batch_norm_net_whose_last_batch_was_tiny_is_not_flagged(framework):
    """Digits, 1347 samples in batches of 64: every epoch ends on 3 samples. A batch-norm net's
    gradient on 3 samples is ~20x its gradient on 64, and a loop that clears leaves exactly that
    in .grad. fresh_gradients measures batches of the last batch's size too."""
    if framework == "keras":
        pytest.skip("Keras's fit() clears gradients itself: there is no zero_grad() to forget")
    import torch
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split
    from torch import nn
    x, y = load_digits(return_X_y=True)
    x_train, x_val, y_train, y_val = train_test_split((x / 16).astype("float32"), y, test_size=0.25,
                                                      random_state=0, stratify=y)
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(64, 128), nn.BatchNorm1d(128), nn.ReLU(), nn.Dropout(0.5),
                          nn.Linear(128, 64), nn.BatchNorm1d(64), nn.ReLU(), nn.Dropout(0.5), nn.Linear(64, 10))
    loss_fn, optimizer = nn.CrossEntropyLoss(), torch.optim.Adam(model.parameters(), lr=1e-3)
    xt, yt = torch.as_tensor(x_train), torch.as_tensor(y_train)
    for _ in range(30):
        order = torch.randperm(len(xt))
        for i in range(0, len(xt), 64):
            optimizer.zero_grad()
            loss_fn(model(xt[order[i:i + 64]]), yt[order[i:i + 64]]).backward()
            optimizer.step()
    model.eval()
    d = diagnose(model, x_train, y_train, validation_data=(x_val, y_val), loss=loss_fn,
                 optimizer=optimizer, batch_size=64, budget=QUICK, epochs=5)
    assert "gradient-accumulation" not in causes(d, ("error", "warning")), [f.message for f in d.findings]
    fresh = next(e for e in d.experiments if e["name"] == "fresh_gradients")
    assert fresh["result"]["last_batch_size"] == len(x_train) % 64 == 3


def _regression():
    import numpy as np
    from sklearn.datasets import make_friedman1
    from sklearn.preprocessing import StandardScaler
    x, y = make_friedman1(400, noise=0.5, random_state=0)
    x = StandardScaler().fit_transform(x).astype(np.float32)
    y = ((y - y.mean()) / y.std()).astype(np.float32).reshape(-1, 1)
    return x[:300], x[300:], y[:300], y[300:]


def _regression_loop(model, x, y, *, zero_grad: bool, lr: float, epochs=30, batch_size=32):
    import torch
    torch.manual_seed(0)
    loss_fn = torch.nn.MSELoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    xt, yt = torch.as_tensor(x), torch.as_tensor(y)
    for _ in range(epochs):
        for i in range(0, len(xt), batch_size):
            if zero_grad:
                optimizer.zero_grad()
            loss_fn(model(xt[i:i + batch_size]), yt[i:i + batch_size]).backward()
            optimizer.step()
    return loss_fn, optimizer


def test_weights_blown_up_by_a_loop_without_zero_grad_are_gradient_accumulation(framework):
    """The piled-up gradients turned the weights NaN, so there is no stored gradient left to
    compare: a standard init trained the same way blows up only when its gradients are never
    cleared."""
    if framework == "keras":
        pytest.skip("Keras's fit() clears gradients itself: there is no zero_grad() to forget")
    import torch
    x_train, x_val, y_train, y_val = _regression()
    model = mlp(framework, 10, 1, hidden=32)
    loss_fn, optimizer = _regression_loop(model, x_train, y_train, zero_grad=False, lr=0.03)
    assert not all(torch.isfinite(p).all() for p in model.parameters())  # the fault shows
    d = diagnose(model, x_train, y_train, validation_data=(x_val, y_val), loss=loss_fn,
                 optimizer=optimizer, budget=QUICK)
    assert d.primary_cause == "gradient-accumulation", [f.message for f in d.findings]
    assert d.primary.evidence["accumulated_nonfinite_step"] is not None
    assert "accumulate" in d.primary.confirmed_by


def test_weights_blown_up_by_the_learning_rate_are_not_gradient_accumulation(framework):
    """Twin: the loop clears its gradients, but the learning rate is absurd; a standard init
    blows up at that rate with the gradients cleared too, so the loop is not the cause."""
    if framework == "keras":
        pytest.skip("Keras's fit() clears gradients itself: there is no zero_grad() to forget")
    import torch
    x_train, x_val, y_train, y_val = _regression()
    model = mlp(framework, 10, 1, hidden=32)
    loss_fn, optimizer = _regression_loop(model, x_train, y_train, zero_grad=True, lr=3.0)
    assert not all(torch.isfinite(p).all() for p in model.parameters())
    d = diagnose(model, x_train, y_train, validation_data=(x_val, y_val), loss=loss_fn,
                 optimizer=optimizer, budget=QUICK)
    assert "gradient-accumulation" not in causes(d)
    assert d.primary_cause == "lr-too-high", [f.message for f in d.findings]
