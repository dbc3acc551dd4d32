"""Argument checks for the public API: every message names the argument, what was expected
and what came."""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass

import numpy as np

BUDGETS = {  # name -> (training steps of the recorded run, seconds for the whole diagnosis)
    "quick": (300, 10.0),
    "standard": (1000, 30.0),
    "thorough": (3000, 120.0),
}


@dataclass(frozen=True)
class Budget:
    """How much training a diagnosis may spend: a step target for the recorded run and a
    wall-clock limit for the whole diagnosis.

    ``seconds=None`` drops the clock: every experiment runs to its planned length however busy
    the machine is, so the diagnosis depends only on the seed (what tests and benchmarks want).

        >>> nndoctor.diagnose(model, x, y, budget=nndoctor.Budget(steps=300, seconds=None))
    """

    steps: int = 1000
    seconds: float | None = 30.0
    name: str = "custom"

    def __post_init__(self):
        if isinstance(self.steps, bool) or not isinstance(self.steps, (int, np.integer)) or self.steps < 1:
            raise ValueError(f"`Budget.steps` must be an int >= 1. Got {self.steps!r} instead.")
        if self.seconds is not None and (isinstance(self.seconds, bool) or not isinstance(
                self.seconds, (int, float)) or not self.seconds > 0):
            raise ValueError(f"`Budget.seconds` must be seconds > 0 or None. Got {self.seconds!r} instead.")

    @property
    def clock(self) -> float:
        """The wall-clock limit in seconds; infinite when the budget has none."""
        return math.inf if self.seconds is None else float(self.seconds)

    def epochs_for(self, steps_per_epoch: int) -> int:
        return int(min(max(math.ceil(self.steps / max(steps_per_epoch, 1)), 3), 500))


def check_budget(budget) -> Budget:
    if budget is None:
        budget = "standard"
    if isinstance(budget, Budget):
        return budget
    if isinstance(budget, str):
        if budget not in BUDGETS:
            raise ValueError(f"`budget` must be one of {sorted(BUDGETS)}, a number of seconds or a "
                             f"`nndoctor.Budget`. Got {budget!r} instead.")
        steps, seconds = BUDGETS[budget]
        return Budget(steps, seconds, budget)
    if isinstance(budget, (int, float)) and not isinstance(budget, bool) and budget > 0:
        steps = int(min(max(budget * 35, 100), 5000))  # ~35 steps a second of budget, as 'standard'
        return Budget(steps, float(budget), f"{budget:g}s")
    raise ValueError(f"`budget` must be 'quick', 'standard', 'thorough', seconds > 0 or a "
                     f"`nndoctor.Budget`. Got {budget!r} instead.")


def check_positive_int(value, name: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"`{name}` must be an int >= 1. Got {value!r} instead.")
    return int(value)


def check_lr(lr) -> float | None:
    if lr is None:
        return None
    if isinstance(lr, bool) or not isinstance(lr, (int, float, np.floating)) or not (0 < lr < math.inf):
        raise ValueError(f"`lr` must be a float in (0, inf). Got {lr!r} instead.")
    return float(lr)


def as_array(value, name: str) -> np.ndarray:
    """A numeric numpy array from numpy, lists, pandas, torch or TensorFlow tensors."""
    if value is None:
        raise TypeError(f"`{name}` must be an array of numbers. Got None instead.")
    if hasattr(value, "detach") and hasattr(value, "cpu"):  # torch.Tensor
        value = value.detach().cpu().numpy()
    elif hasattr(value, "to_numpy"):  # pandas
        value = value.to_numpy()
    elif hasattr(value, "numpy") and callable(value.numpy):  # tf.Tensor
        value = value.numpy()
    try:
        arr = np.asarray(value)
    except (ValueError, TypeError) as exc:
        raise TypeError(f"`{name}` must be an array of numbers. Got {type(value).__name__} that "
                        f"numpy cannot read as one ({exc}).") from None
    if arr.dtype == bool:
        arr = arr.astype(np.int64)
    if not (np.issubdtype(arr.dtype, np.number)):
        raise TypeError(f"`{name}` must hold numbers. Got an array of dtype {arr.dtype} "
                        f"(e.g. {arr.ravel()[:1].tolist()}) instead; encode it as numbers first.")
    if np.iscomplexobj(arr):
        raise TypeError(f"`{name}` must hold real numbers. Got dtype {arr.dtype} instead.")
    return arr


def unpack_torch_data(x, y):
    """(x, y) arrays from a torch Dataset or DataLoader passed as ``x`` (``y`` must be None)."""
    torch_data = sys.modules.get("torch.utils.data")
    if torch_data is None or not isinstance(x, (torch_data.Dataset, torch_data.DataLoader)):
        return x, y
    if y is not None:
        raise ValueError("`y` must be None when `x` is a torch Dataset or DataLoader (it yields "
                         f"(inputs, targets) pairs). Got {type(y).__name__} instead.")
    loader = x if isinstance(x, torch_data.DataLoader) else torch_data.DataLoader(x, batch_size=512)
    xs, ys = [], []
    for batch in loader:
        if not isinstance(batch, (list, tuple)) or len(batch) != 2:
            raise ValueError("`x` as a torch Dataset/DataLoader must yield (inputs, targets) pairs. "
                             f"Got a {type(batch).__name__} of length {len(batch) if hasattr(batch, '__len__') else '?'}.")
        xs.append(as_array(batch[0], "x"))
        ys.append(as_array(batch[1], "y"))
    if not xs:
        raise ValueError("`x` must hold at least 2 samples. Got an empty Dataset/DataLoader.")
    return np.concatenate(xs), np.concatenate(ys)


def check_xy(x, y, x_name: str = "x", y_name: str = "y") -> tuple[np.ndarray, np.ndarray]:
    """Numeric arrays with matching lengths, x at least 2-D, y 1-D or 2-D."""
    x = as_array(x, x_name)
    y = as_array(y, y_name)
    if x.ndim < 2:
        hint = f" (one feature per sample? use {x_name}.reshape(-1, 1))" if x.ndim == 1 else ""
        raise ValueError(f"`{x_name}` must have 2 or more dimensions (samples, features...). "
                         f"Got shape {x.shape} instead{hint}.")
    if y.ndim == 0 or y.ndim > 2:
        raise ValueError(f"`{y_name}` must be 1-D (labels/targets) or 2-D (one-hot or several "
                         f"targets). Got shape {y.shape} instead.")
    if len(x) == 0:
        raise ValueError(f"`{x_name}` must hold at least 2 samples. Got 0 samples.")
    if len(x) != len(y):
        raise ValueError(f"`{x_name}` and `{y_name}` must have the same number of samples. "
                         f"Got {len(x)} and {len(y)} instead.")
    if len(x) < 2:
        raise ValueError(f"`{x_name}` must hold at least 2 samples. Got {len(x)}.")
    return x, y


def check_validation_data(validation_data):
    if validation_data is None:
        return None
    if not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2:
        raise TypeError("`validation_data` must be a tuple (x_val, y_val). "
                        f"Got {type(validation_data).__name__} instead.")
    x_val, y_val = validation_data
    x_val = as_array(x_val, "validation_data[0]")
    y_val = as_array(y_val, "validation_data[1]")
    if len(x_val) < 1:
        raise ValueError("`validation_data` must hold at least 1 sample. Got 0.")
    if len(x_val) != len(y_val):
        raise ValueError("`validation_data` x and y must have the same number of samples. "
                         f"Got {len(x_val)} and {len(y_val)} instead.")
    return x_val, y_val


class LabelRangeError(ValueError):
    """Class labels outside what the model's output layer can produce (``low..high`` against
    classes ``0..n_classes-1``). A bad argument to `diagnose()`; in a script `nndoctor run`
    watched, the script's own labels: a label-encoding finding."""

    def __init__(self, message: str, *, low: int, high: int, n_classes: int, output_units: int):
        super().__init__(message)
        self.low, self.high, self.n_classes, self.output_units = low, high, n_classes, output_units


def check_labels(y: np.ndarray, n_classes: int, output_units: int, name: str = "y") -> None:
    """Classification targets the output layer can produce: integers in 0..C-1, or one-hot of width C.

    Non-integer targets pass: a classification loss on continuous targets is a diagnosis
    (`wrong-loss-for-task`), not an argument error.
    """
    finite = y[np.isfinite(y.reshape(len(y), -1)).all(axis=1)] if y.size else y
    if y.ndim == 2 and y.shape[1] > 1:
        if y.shape[1] != output_units:
            raise ValueError(f"`{name}` is one-hot with {y.shape[1]} columns, but the model's output "
                             f"layer has {output_units} unit(s). Expected {output_units} columns.")
        return
    flat = finite.reshape(-1)
    if flat.size == 0:
        return
    if np.abs(flat - np.rint(flat)).max() > 1e-6:
        # continuous targets under a classification loss are the user's set-up, not a bad
        # argument: diagnose() reports them as `wrong-loss-for-task` (rule PL002)
        return
    low, high = int(np.rint(flat.min())), int(np.rint(flat.max()))
    if low < 0 or high > n_classes - 1:
        raise LabelRangeError(f"`{name}` holds labels {low}..{high}, but the output layer ({output_units} "
                              f"unit(s)) can only produce classes 0..{n_classes - 1}. "
                              "Re-encode the labels or give the output layer one unit per class.",
                              low=low, high=high, n_classes=n_classes, output_units=output_units)
