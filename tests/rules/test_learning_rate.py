"""LR001 / LR002: a learning rate far too high or too low, each with a healthy twin."""

import numpy as np

from nndoctor import diagnose

from ..conftest import QUICK, STANDARD, blobs, causes, mlp, setup, split, train


def _data():
    x, y = blobs(150, n_classes=3, n_features=4, seed=1)
    return split(x, y)


def test_absurd_sgd_lr_is_lr_too_high(framework):
    x_train, x_val, y_train, y_val = _data()
    model = mlp(framework, 4, 3)
    kwargs = setup(framework, model, optimizer="sgd", lr=200.0)
    d = diagnose(model, x_train, y_train, validation_data=(x_val, y_val), budget=STANDARD, **kwargs)
    assert d.primary_cause == "lr-too-high"
    finding = d.primary
    assert finding.severity == "error"
    assert finding.evidence["control_lr"] < 200.0
    assert finding.confirmed_by and finding.confirmed_by[0].startswith("lr/")


def test_tiny_lr_is_lr_too_low(framework):
    x_train, x_val, y_train, y_val = _data()
    model = mlp(framework, 4, 3)
    kwargs = setup(framework, model, optimizer="sgd", lr=1e-5)
    d = diagnose(model, x_train, y_train, validation_data=(x_val, y_val), budget=STANDARD, **kwargs)
    assert d.primary_cause == "lr-too-low"
    finding = d.primary
    assert finding.evidence["control_lr"] > 1e-5
    assert finding.evidence["control_score"] > finding.evidence["score"] + 0.1


def test_good_lr_twin_has_no_lr_finding(framework):
    x_train, x_val, y_train, y_val = _data()
    model = mlp(framework, 4, 3)
    kwargs = setup(framework, model, optimizer="sgd", lr=0.05)
    d = diagnose(model, x_train, y_train, validation_data=(x_val, y_val), budget=STANDARD, **kwargs)
    found = causes(d)
    assert "lr-too-high" not in found and "lr-too-low" not in found
    assert any(r["cause"] == "lr-too-high" for r in d.ruled_out)


def test_seed_regression_large_lr_oscillates_small_lr_does_not(framework):
    """The seed's snippet 2 as nndoctor sees it: y = 2x + 1 + noise, Adam, lr 1.0 vs 0.001."""
    rng = np.random.default_rng(0)
    x = np.linspace(0, 10, 100).reshape(-1, 1).astype(np.float32)
    y = (2 * x + 1 + rng.normal(size=(100, 1)) * 2).astype(np.float32)
    verdicts = {}
    for lr in (1.0, 0.01):
        model = _linear(framework)
        kwargs = setup(framework, model, loss="mse", lr=lr)
        verdicts[lr] = diagnose(model, x, y, budget=STANDARD, epochs=150, **kwargs)
    assert "lr-too-high" in causes(verdicts[1.0])
    assert "lr-too-high" not in causes(verdicts[0.01])


def _linear(framework):
    if framework == "torch":
        import torch
        torch.manual_seed(0)
        return torch.nn.Linear(1, 1)
    import keras
    keras.utils.set_random_seed(0)
    return keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])


def _trained_at(framework, lr, optimizer="adam"):
    """The user trained the model before asking: the recorded run starts from its weights."""
    x_train, x_val, y_train, y_val = _data()
    model = mlp(framework, 4, 3)
    kwargs = setup(framework, model, lr=lr, optimizer=optimizer)
    train(framework, model, x_train, y_train, epochs=60, lr=lr, optimizer=optimizer)
    return diagnose(model, x_train, y_train, validation_data=(x_val, y_val), budget=QUICK, epochs=28, **kwargs)


def test_a_model_trained_at_a_huge_lr_is_lr_too_high_by_its_weights(framework):
    d = _trained_at(framework, 1.0)
    finding = next(f for f in d.findings if f.cause == "lr-too-high")
    assert d.primary_cause == "lr-too-high"
    assert finding.evidence["kind"] == "oversized-weights" and finding.evidence["weight_scale"] >= 10
    assert finding.evidence["calm_weight_scale"] < 5
    assert finding.confirmed_by == ["reinit+lr/10"]


def test_a_model_trained_to_death_at_a_huge_adam_lr_is_lr_too_high_by_its_weights(framework):
    """Adam at lr 1.0 on digits / 16: the ReLUs die, the model is left at chance with weights
    20-30x a standard init; a fresh init at lr 0.1 learns (its weights grow too, but a third as
    much), so the learning rate is named, not the pixels' scale or the dead units."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    x, y = load_digits(return_X_y=True)
    x_train, x_val, y_train, y_val = train_test_split((x / 16).astype(np.float32), y, test_size=0.25,
                                                      random_state=0)
    model = mlp(framework, 64, 10, hidden=64)
    kwargs = setup(framework, model, lr=1.0)
    train(framework, model, x_train, y_train, epochs=10, lr=1.0)
    d = diagnose(model, x_train, y_train, validation_data=(x_val, y_val), budget=QUICK, epochs=10, **kwargs)
    assert d.primary_cause == "lr-too-high", [f.message for f in d.findings]
    finding = d.primary
    assert finding.evidence["kind"] == "oversized-weights" and finding.evidence["score"] < 0.3
    assert finding.evidence["calm_score"] > 0.8
    assert "unscaled-inputs" not in causes(d, ("error", "warning"))


def test_a_model_whose_training_blew_up_is_diagnosed_from_a_fresh_start(framework):
    """SGD at lr 200 left NaN weights: training on from them says nothing, a fresh standard
    init with the user's settings reproduces the blow-up."""
    d = _trained_at(framework, 200.0, optimizer="sgd")
    assert d.details["fresh_start"] is True
    assert d.primary_cause == "lr-too-high"
    assert d.primary.evidence["kind"] == "nan" and d.primary.confirmed_by[0].startswith("lr/")


def test_a_model_trained_at_a_sound_lr_is_not_lr_too_high(framework):
    d = _trained_at(framework, 1e-2)
    assert d.details["fresh_start"] is False
    assert "lr-too-high" not in causes(d, ("error", "warning", "info"))
    assert any(r["cause"] == "lr-too-high" for r in d.ruled_out)



def _diabetes_sgd(framework, reduction):
    """Diabetes progression (standardized), an MLP trained with SGD lr 0.01, momentum 0.9,
    batches of 128 and the MSE ``reduction`` given."""
    from sklearn.datasets import load_diabetes
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler

    x, y = load_diabetes(return_X_y=True)
    x = StandardScaler().fit_transform(x).astype(np.float32)
    y = ((y - y.mean()) / y.std()).astype(np.float32).reshape(-1, 1)
    x_train, x_val, y_train, y_val = train_test_split(x, y, test_size=0.2, random_state=0)
    kwargs = {}
    if framework == "torch":
        import torch
        from torch import nn
        torch.manual_seed(0)
        model = nn.Sequential(nn.Linear(10, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 1))
        kwargs = {"loss": nn.MSELoss(reduction=reduction),
                  "optimizer": torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)}
    else:
        import keras
        keras.utils.set_random_seed(0)
        model = keras.Sequential([keras.Input((10,)), keras.layers.Dense(64, activation="relu"),
                                  keras.layers.Dense(64, activation="relu"), keras.layers.Dense(1)])
        model.compile(optimizer=keras.optimizers.SGD(0.01, momentum=0.9),
                      loss=keras.losses.MeanSquaredError(reduction="sum_over_batch_size" if reduction == "mean"
                                                         else reduction))
    return diagnose(model, x_train, y_train, validation_data=(x_val, y_val), batch_size=128, budget=QUICK, **kwargs)


def test_a_loss_summed_over_the_batch_is_lr_too_high(framework):
    """reduction="sum" multiplies every SGD step by the batch size (128): lr 0.01 with momentum
    goes NaN. Loss values are read per sample whatever the reduction, so the run at a lower LR
    (0.02-0.13 per sample) is seen to learn, not to end above a model that learned nothing (1.0
    per sample, about 128 summed over a batch)."""
    d = _diabetes_sgd(framework, "sum")
    assert d.primary_cause == "lr-too-high", [f.message for f in d.findings]
    assert d.primary.severity == "error" and "reduction='sum'" in d.primary.fix


def test_the_same_loss_averaged_is_no_lr_finding(framework):
    d = _diabetes_sgd(framework, "mean")
    assert not {"lr-too-high", "exploding-gradients"} & set(causes(d)), [f.message for f in d.findings]
