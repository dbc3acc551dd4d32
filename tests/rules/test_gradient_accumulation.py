"""GD005 gradient-accumulation: a torch loop without zero_grad(), and loops that clear."""

import pytest

from nndoctor import diagnose

from ..conftest import QUICK, blobs, causes, mlp, setup, split, train

P = "test_gradient_accumulation::"
COVERAGE = {
    "gradient-accumulation": ([P + "test_a_loop_without_zero_grad_is_gradient_accumulation"],
                              [P + "test_a_loop_that_clears_gradients_is_not_flagged"]),
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
