"""The checks only `nndoctor run` can make: what the user's own training loop did, and the
exception a script died of. They are documented like rules (`nndoctor explain RUN001`) and
applied by `script.script_findings` and `script.crash_finding`."""

from __future__ import annotations

import inspect


class ScriptRule:
    """A check of the script itself (not of the model): code, cause, summary, documentation."""

    code: str = ""
    cause: str = ""
    summary: str = ""

    @classmethod
    def doc(cls) -> str:
        return inspect.getdoc(cls) or ""


class StepNeverCalled(ScriptRule):
    """Flags a training loop that never calls ``optimizer.step()``.

    ## What it does
    Counts, while the script runs, the loss calls, ``backward()`` calls and ``step()`` calls of
    the optimizer that holds the model's parameters. Two or more full iterations (loss and
    backward) without a single ``step()`` is an error.

    ## Why is this bad?
    ``backward()`` only computes gradients; without ``step()`` the weights never change and the
    model predicts exactly as it was initialized: random predictions.

    ## Example
    ```python
    loss = loss_fn(model(x), y)
    loss.backward()          # ... and nothing else
    ```

    ## Fix
    Call ``optimizer.step()`` after ``loss.backward()`` in every iteration.
    """

    code = "RUN001"
    cause = "parameters-not-updating"
    summary = "the loop computes gradients but never calls optimizer.step()"


class ZeroGradMissing(ScriptRule):
    """Flags a training loop that never clears the gradients.

    ## What it does
    Counts ``step()`` calls of the model's optimizer and ``zero_grad()`` calls on that
    optimizer or on the model. Two or more steps and no ``zero_grad()`` at all is an error.

    ## Why is this bad?
    PyTorch adds each new gradient to the stored one: every step applies the sum of all
    gradients so far, so the effective step grows without bound and training becomes erratic.

    ## Example
    ```python
    for x, y in loader:
        loss_fn(model(x), y).backward()
        optimizer.step()     # zero_grad() is missing
    ```

    ## Fix
    Call ``optimizer.zero_grad()`` before each ``backward()``.
    """

    code = "RUN002"
    cause = "gradient-accumulation"
    summary = "optimizer.step() runs but zero_grad() is never called"


class PredictsInTrainMode(ScriptRule):
    """Flags predictions made while the model is still in training mode.

    ## What it does
    Watches every call of the model: a call whose output feeds no loss is a prediction. If the
    model has dropout or batch-norm layers and such a call happens in training mode, it is an
    error.

    ## Why is this bad?
    In training mode dropout zeroes random units and batch-norm normalizes with the batch's own
    statistics: the predictions change from call to call and from batch to batch.

    ## Example
    ```python
    train(model)
    predictions = model(x_test)   # model.eval() is missing
    ```

    ## Fix
    Call ``model.eval()`` (and use ``torch.no_grad()``) before predicting.
    """

    code = "RUN003"
    cause = "train-mode-at-inference"
    summary = "the model predicts in training mode (model.eval() missing)"


class ScriptCrashed(ScriptRule):
    """Names the cause of the exception a script died of.

    ## What it does
    Reads the exception's message: labels out of range, NaN/inf values, shapes that broadcast or
    do not match (the last two only when raised inside the loss or ``fit()``). The cause is the
    one the message names; other crashes get no finding.

    ## Why is this bad?
    The framework's message says what broke, not why: "Target 3 is out of bounds" means the
    labels do not fit the output layer.

    ## Example
    ```python
    y = y + 1                        # labels 1..3 for 3 output units
    nn.CrossEntropyLoss()(model(x), y)  # IndexError: Target 3 is out of bounds
    ```

    ## Fix
    The finding's fix names what to change for its cause.
    """

    code = "RUN004"
    cause = "label-encoding-mismatch, nan-in-data, shape-broadcast"
    summary = "the script crashed: the exception names the cause"


SCRIPT_RULES: list[type[ScriptRule]] = [StepNeverCalled, ZeroGradMissing, PredictsInTrainMode, ScriptCrashed]


def find_script_rule(code_or_cause: str) -> list[type[ScriptRule]]:
    """Script checks whose code (case-insensitive) or cause id matches."""
    key = code_or_cause.strip()
    return [r for r in SCRIPT_RULES if r.code == key.upper() or key.lower() in r.cause.split(", ")]
