"""The seed's data, generated exactly as its snippets do (seeded here for repeatability)."""

from __future__ import annotations

import numpy as np
from sklearn.model_selection import train_test_split


def untrained_task(seed: int = 0):
    """Snippet 1 shows predictions on ``np.random.rand(10, 5)`` without labels. A diagnosis
    needs labels, so the same inputs get a simple learnable rule: is x0 + x1 above 1?"""
    rng = np.random.default_rng(seed)
    x = rng.random((400, 5)).astype(np.float32)
    y = (x[:, 0] + x[:, 1] > 1.0).astype(np.int64)
    return train_test_split(x, y, test_size=0.25, random_state=seed)


def regression_task(seed: int = 0):
    """Snippet 2: y = 2x + 1 + N(0, 2^2) on 100 points in [0, 10]."""
    rng = np.random.default_rng(seed)
    x = np.linspace(0, 10, 100).reshape(-1, 1).astype(np.float32)
    y = (2 * x + 1 + rng.normal(size=(100, 1)) * 2).astype(np.float32)
    return x, y


def blobs_task(n_samples: int):
    """Snippet 3: two Gaussian blobs at +-(2, 2), n per class, split 80/20 as the seed does."""
    np.random.seed(42)  # the seed's own line; the caller's RNG state is restored in run.py
    x1 = np.random.randn(n_samples, 2) + np.array([2, 2])
    x2 = np.random.randn(n_samples, 2) - np.array([2, 2])
    x = np.concatenate((x1, x2), axis=0).astype(np.float32)
    y = np.concatenate((np.zeros(n_samples, dtype=int), np.ones(n_samples, dtype=int)), axis=0)
    return train_test_split(x, y, test_size=0.2, random_state=42)
