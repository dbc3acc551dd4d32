"""Diagnosis dicts as `Diagnosis.to_dict()` writes them, for the report tests.

Built by hand rather than by running a diagnosis so the report tests stay fast and do not depend
on torch/keras or on the rules: the reports only render the dict.
"""

from __future__ import annotations

import copy
import math
import random

import pytest


def _accuracy(correct: int, n: int, ci95, chance=0.5, majority=0.5, p=3e-11) -> dict:
    return {"value": correct / n, "n": n, "correct": correct, "ci95": list(ci95), "chance": chance,
            "majority": majority, "p_vs_chance": p, "p_vs_majority": p,
            "better_than_chance": p < 0.05, "better_than_majority": p < 0.05}


def _run(n_steps=500, lr=0.1, diverge_at=None, epochs=100, eval_every=2) -> dict:
    """A recorded run: noisy loss falling over decades, or going NaN (None in JSON) at `diverge_at`.

    Noisy like real batch losses, since noise is what makes PNGs (and the page) large.
    """
    rng = random.Random(lr)
    loss = [2.0 * math.exp(-i / 60) * rng.uniform(0.5, 1.5) + 1e-3 for i in range(n_steps)]
    if diverge_at is not None:
        loss = [v if i < diverge_at else None for i, v in enumerate(loss)]
    eval_epochs = list(range(0, epochs + 1, eval_every))
    return {
        "lr_used": lr, "epochs": epochs, "steps_per_epoch": n_steps // epochs, "steps": n_steps,
        "loss": loss, "lr": [lr * (0.5 if i > n_steps // 2 else 1.0) for i in range(n_steps)],
        "step_stride": 1, "epoch_train_loss": loss[:: n_steps // epochs],
        "eval_epochs": eval_epochs,
        "train_loss": [0.7 * math.exp(-e / 20) for e in eval_epochs],
        "val_loss": [0.7 * math.exp(-e / 25) + 0.05 for e in eval_epochs],
        "train_metric": [min(1.0, 0.5 + e / 100) for e in eval_epochs],
        "val_metric": [min(1.0, 0.5 + e / 120) for e in eval_epochs],
        "grad_steps": [0, 100, 200], "grad_norm": {"dense": [1.0, 0.5, 0.2]},
        "update_ratio": {"dense": [1e-3, 5e-4, 2e-4]}, "stopped_early": None, "seconds": 1.1,
    }


def _predictions(hist, cm, acc) -> dict:
    return {"accuracy": acc, "predicted_histogram": hist, "per_class_recall": [0.5, 0.5],
            "mean_entropy": 0.99, "confusion_matrix": cm, "r2": None, "rmse": None, "loss": 0.69,
            "all_outputs_equal": False, "nonfinite_outputs": 0}


def classification_dict(scenario="large-lr (keras)") -> dict:
    run = _run(lr=1.0, diverge_at=320)
    return {
        "nndoctor_version": "0.1.0", "scenario": scenario,
        "task": {"kind": "classification", "n_classes": 2, "framework": "keras"},
        "verdict": "problems-found", "primary_cause": "lr-too-high",
        "findings": [
            {"cause": "lr-too-high", "rule": "LR001", "severity": "error", "confidence": 0.85,
             "message": "loss went NaN at step 320; tail CV 0.36 (expected < 0.1)",
             "evidence": {"tail_cv": 0.36, "nonfinite_step": 320, "loss_tail": list(range(30))},
             "fix": "Divide the learning rate by 10.",
             "fix_code": "model.compile(optimizer=keras.optimizers.Adam(1e-3), ...)",
             "confirmed_by": ["lr/10"],
             "verified": {"metric": "val_accuracy", "before": 0.5, "after": 0.97,
                          "before_ci95": [0.35, 0.65], "after_ci95": [0.87, 0.996]}},
            {"cause": "unscaled-inputs", "rule": "DA003", "severity": "warning", "confidence": 0.4,
             "message": "feature 1 has std 350 [shape [N,1] vs [N]]", "evidence": {"std": [1.0, 350.0]},
             "fix": "Standardize the inputs.", "fix_code": "", "confirmed_by": [], "verified": None},
            {"cause": "class-imbalance", "rule": "DA010", "severity": "info", "confidence": 0.2,
             "message": "classes are balanced", "evidence": {}, "fix": "", "fix_code": "",
             "confirmed_by": [], "verified": None},
        ],
        "metrics": {"val_accuracy": _accuracy(20, 40, [0.352, 0.648], p=0.56), "val_loss": 0.69},
        "experiments": [{"name": "recorded_run", "seconds": 1.2, "result": {"final_loss": None, "steps": 500}},
                        {"name": "lr/10", "seconds": 1.3, "result": {"val_accuracy": 0.97}}],
        "ruled_out": [{"cause": "nan-in-data", "why": "no NaN or inf in 200x2 inputs"}],
        "errors": [{"where": "rule IS001", "error": "ValueError: shapes do not match"}],
        "seconds": 3.4,
        "details": {
            "model": {"framework": "keras", "layers": [{"name": "dense", "kind": "dense", "units": 10,
                                                         "activation": "relu"}],
                      "n_params": 52, "output_units": 2, "output_activation": "softmax",
                      "loss": "sparse_categorical_crossentropy", "loss_from_logits": False,
                      "optimizer": "Adam", "lr": 1.0},
            "data": {"train": {"n": 160, "feature_shape": [2], "class_counts": [80, 80], "majority_share": 0.5},
                     "validation": {"n": 40, "feature_shape": [2], "class_counts": [20, 20], "majority_share": 0.5},
                     "validation_source": "given"},
            "predictions": {"given": _predictions([40, 0], [[20, 0], [20, 0]], _accuracy(20, 40, [0.352, 0.648], p=0.56)),
                            "after_training": _predictions([21, 19], [[19, 1], [2, 18]], _accuracy(37, 40, [0.8, 0.97]))},
            "run": run,
            "controls": {"lr/10": _run(lr=0.1), "lr/100": _run(lr=0.01)},
        },
    }


def regression_dict() -> dict:
    return {
        "nndoctor_version": "0.1.0", "scenario": "healthy regression (torch)",
        "task": {"kind": "regression", "n_classes": None, "framework": "torch"},
        "verdict": "healthy", "primary_cause": "healthy", "findings": [],
        "metrics": {"val_r2": 0.93, "val_rmse": 1.9, "val_loss": 0.12},
        "experiments": [{"name": "recorded_run", "seconds": 0.8, "result": {"r2": 0.93}}],
        "ruled_out": [{"cause": "unscaled-targets", "why": "targets have std 1.1"}],
        "errors": [], "seconds": 1.0,
        "details": {
            "model": {"framework": "torch", "layers": [], "n_params": 20, "output_units": 1,
                      "output_activation": None, "loss": "mse", "loss_from_logits": False,
                      "optimizer": "SGD", "lr": 0.01},
            "data": {"train": {"n": 100, "feature_shape": [3], "class_counts": None},
                     "validation": {"n": 25, "feature_shape": [3], "class_counts": None},
                     "validation_source": "held-out"},
            "predictions": {"given": {"accuracy": None, "predicted_histogram": None, "per_class_recall": None,
                                      "mean_entropy": None, "confusion_matrix": None, "r2": 0.93,
                                      "rmse": 1.9, "loss": 0.12},
                            "after_training": None},
            "run": _run(lr=0.01),
            "controls": {},
        },
    }


def sparse_dict() -> dict:
    """Every optional part missing, None, NaN-as-None or empty."""
    return {
        "nndoctor_version": "0.1.0",
        "task": {"kind": None, "n_classes": None, "framework": None},
        "verdict": "inconclusive", "primary_cause": None,
        "findings": [{"cause": "unreliable-evaluation", "rule": "EV001", "severity": "warning",
                      "confidence": None, "message": None, "evidence": None, "fix": None,
                      "fix_code": None, "confirmed_by": None, "verified": {"metric": None, "before": None}}],
        "metrics": {"val_accuracy": {"value": None, "n": 0, "correct": 0, "ci95": [None, None],
                                     "chance": None, "majority": None, "p_vs_chance": None,
                                     "p_vs_majority": None, "better_than_chance": None,
                                     "better_than_majority": None},
                    "val_loss": None},
        "experiments": [{"name": "recorded_run", "seconds": None, "result": None}],
        "ruled_out": [], "errors": [{"where": None, "error": None}], "seconds": None,
        "details": {
            "model": None, "data": {"train": None, "validation": {"class_counts": []}},
            "predictions": {"given": {"predicted_histogram": [None, 3], "confusion_matrix": [[None, 1], [2]]},
                            "after_training": None},
            "run": {"loss": [None, None, float("nan")], "lr": [], "step_stride": None, "eval_epochs": [],
                    "train_loss": [], "val_loss": [None], "train_metric": None, "val_metric": []},
            "controls": {"lr/10": {"loss": []}, "broken": None},
        },
    }


@pytest.fixture
def classification():
    return classification_dict()


@pytest.fixture
def regression():
    return regression_dict()


@pytest.fixture
def sparse():
    return sparse_dict()


@pytest.fixture
def minimal():
    """Only the keys `to_dict` always writes, with empty values, and no `details` content."""
    return {"nndoctor_version": "0.1.0", "task": {}, "verdict": "healthy", "primary_cause": "healthy",
            "findings": [], "metrics": {}, "experiments": [], "ruled_out": [], "errors": [],
            "seconds": 0.0, "details": {}}


@pytest.fixture
def many():
    """Ten realistic diagnoses, as the clinic demo writes them."""
    return [classification_dict(f"scenario {i}") if i % 2 else copy.deepcopy(regression_dict())
            for i in range(10)]
