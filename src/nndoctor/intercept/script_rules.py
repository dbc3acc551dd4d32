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
    backward) without a single ``step()`` is an error, unless the weights changed all the same:
    a loop that updates them by hand (``p -= lr * p.grad`` under ``torch.no_grad()``) trains
    without an optimizer, and the diagnosis judges it like any other.

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
    optimizer or on any module, in order: a step is uncleared when no ``zero_grad()`` came
    since the optimizer's step before. Two or more steps with no ``zero_grad()`` at all, or
    uncleared steps making up half of the steps after the first (a clear once before the loop,
    once per epoch, in a rare branch), is an error. The script's other optimizers are held to
    the same count (one per part of the network, only one of them cleared). Accumulating on purpose (step and clear
    every k-th batch) clears before every step and is not flagged.

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
    summary = "optimizer.step() runs but zero_grad() is never called, or not between most steps"


class PredictsInTrainMode(ScriptRule):
    """Flags predictions made while the model is still in training mode.

    ## What it does
    Watches every call of the model: a call whose output feeds no loss is a prediction. If the
    model has dropout or batch-norm layers and such a call happens in training mode, it is an
    error. For Keras, a direct call with ``training=True`` outside ``fit`` is such a prediction.
    For PyTorch, predictions in training mode by a copy of the trained model count too: another
    module of the same class and parameter shapes (``copy.deepcopy(model)``, a second instance
    given its ``state_dict``, a model saved and loaded again), called without a loss, or with a
    loss under ``torch.no_grad()``, after training or between training steps (a copy called in
    most steps is a teacher or target network, and is left alone).

    ## Why is this bad?
    In training mode dropout zeroes random units and batch-norm normalizes with the batch's own
    statistics: the predictions change from call to call and from batch to batch.

    ## Example
    ```python
    train(model)
    predictions = model(x_test)   # model.eval() is missing
    probabilities = keras_model(x_test, training=True)   # dropout on
    best = copy.deepcopy(model); model.eval(); best(x_test)   # the copy is still training
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
    Reads the exception's message: labels out of range, NaN/inf values, a backward() with no
    graph to the weights (the loss computed under ``torch.no_grad()`` or detached) or an
    optimizer given no trainable parameter (parameters-not-updating), and, only when raised
    inside the loss or ``fit()``, label dtypes the loss rejects and shapes that broadcast or do
    not match ((N, 1) against (N,) is shape-broadcast; other shapes are label encoding). The
    cause is the one the message names; other crashes get no finding. Raised in the loss,
    ``fit()`` or ``backward()``, the crash outranks what a diagnosis of the few batches seen by
    then says (confidence 0.98).

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
    cause = "label-encoding-mismatch, nan-in-data, shape-broadcast, parameters-not-updating"
    summary = "the script crashed: the exception names the cause"


class WeightsNeverChanged(ScriptRule):
    """Flags a training loop whose ``optimizer.step()`` ran but left every weight as it was.

    ## What it does
    Keeps a copy of the model's parameters as they were at the first loss call and compares
    them with the parameters when the script ends. Two or more training iterations (loss with
    gradients enabled) and two or more ``step()`` calls with not a single parameter changed is
    an error. The finding says why, from what the parameters show at the end: no gradient at
    all (``.grad`` is None: the loss was cut off from the model's graph, or the gradients were
    cleared between ``backward()`` and ``step()``), gradients of zero, a learning rate of 0, or
    an optimizer that holds none of the model's parameters. When the rest of the model trained,
    parameters that never changed, carry a gradient (the loss used them) and belong to no
    optimizer the script stepped are an error too: the optimizer was built before those layers
    were created or replaced. Frozen parameters (no gradient) are not.

    ## Why is this bad?
    The loop looks complete, and the loss is printed every epoch, but the model predicts
    exactly as it was initialized: random predictions. A copy trained by nndoctor's own loop
    learns, so without this check the model only looks untrained.

    ## Example
    ```python
    out = model(x)
    loss = torch.tensor(loss_fn(out, y).item(), requires_grad=True)  # a new leaf: no graph
    loss.backward()
    optimizer.step()                                                # nothing to apply
    ```

    ## Fix
    Call ``backward()`` on the loss tensor the model's output produced (no ``.item()``,
    ``.detach()``, ``.numpy()`` or ``torch.tensor(...)`` on the way), build the optimizer over
    ``model.parameters()``, and call ``zero_grad()`` before ``backward()``, not after it.
    """

    code = "RUN005"
    cause = "parameters-not-updating"
    summary = "optimizer.step() ran, but no weight of the model (or of a layer no optimizer holds) changed"


class OneClassBatches(ScriptRule):
    """Flags a training loop fed batches that each hold a single class, when a copy trained on
    shuffled batches does clearly better than the model the script produced.

    ## What it does
    Reads the labels of every training batch as the script's loop feeds them to the loss
    (PyTorch), or as one epoch of the Keras ``fit`` call feeds them: a batched ``tf.data``
    dataset read again batch by batch, its shuffle buffer at work, or arrays passed with
    ``shuffle=False``. Shuffled data gives sum(p_k^2) neighbouring labels that agree, over the
    class shares p_k (reported only where that is under 80%); data always in class order gives
    100%. When the stream is at least half-way from the first to the second, the batches are
    dominated by one class or two: the data is in class order and not (or barely) shuffled,
    as with a ``shuffle(64)`` buffer over data read class by class. It is reported only when the model as given
    scores clearly below a copy trained on shuffled batches (10 accuracy points, beyond the
    interval): an error when the gap is 25 points or the model as given is no better than the
    majority class, else a warning.

    ## Why is this bad?
    Every step then pulls the model toward one class only: it forgets the classes of earlier
    batches and ends up predicting the last classes it saw. The loss looks fine within each
    run of one class.

    ## Example
    ```python
    order = np.argsort(y)                       # or data read class by class from folders
    loader = DataLoader(TensorDataset(x[order], y[order]), batch_size=32)  # shuffle=False
    ```

    ## Fix
    Shuffle the training batches every epoch: ``DataLoader(..., shuffle=True)``; in Keras,
    ``dataset.shuffle(buffer_size=len(x_train))`` before ``batch``, or ``fit(x, y, shuffle=True)``.
    """

    code = "RUN006"
    cause = "sorted-data-split"
    summary = "every training batch holds one class: the data is in class order and not shuffled"


class PredictionInputsShifted(ScriptRule):
    """Flags predictions made on inputs that are not scaled like the training inputs.

    ## What it does
    Keeps the inputs and outputs of every prediction the script makes without a loss (a torch
    model called outside its training loss, Keras ``predict``) and compares each call's inputs
    with the training inputs feature by feature, with DA006's measures: the median standardized
    mean difference over 1 training std, or a median std ratio beyond 2x (calls of fewer than
    20 samples: a median shift of 3 stds). A call is flagged too when its inputs were scaled on
    themselves (``fit_transform`` on the data predicted on): 90% of its varying features span
    exactly [0, 1] or have mean 0 and std 1 in that call, while no 20 random training subsets of
    the same size reach half that share; or when each of its samples was normalized by its own
    statistics: 90% of them have mean 0 and std 1 (std over n or n - 1), or span exactly
    [0, 1], across their own features, while no 20 random sets of as many training samples reach
    half that share. Calls too small to judge alone (a helper that predicts one sample per call)
    are also pooled, when there are two or more of the training feature width, into one set
    (a sample predicted again and again counted once) that takes the same tests; the finding
    says how many calls it pooled. The model's predicted class shares on the shifted
    inputs are set against its shares on training-scale validation data: a total variation of
    0.3 or more is an error (the predictions collapsed), less a warning; for regression an
    error from a 3-std shift. A model fed another module's outputs (``head(encoder(x))``) is
    not judged: its inputs are features that moved while the encoder trained.

    ## Why is this bad?
    Without labels for those inputs no score shows the problem, but the network sees values it
    never met in training: its predictions saturate into one class or a constant.

    ## Example
    ```python
    x_train = StandardScaler().fit_transform(x_train)
    model.fit(x_train, y_train)
    model.predict(x_new)          # raw features: the scaler was not applied
    model.predict(MinMaxScaler().fit_transform(x_new))   # scaled by the new samples' own range
    for row in x_new:                                     # one sample per call, z-scored by
        model.predict(((row - row.mean()) / row.std())[None])   # its own mean and std
    ```

    ## Fix
    Apply the fitted training transform to every input the model predicts on.
    """

    code = "RUN007"
    cause = "preprocessing-mismatch"
    summary = "the script predicts on inputs scaled unlike the training inputs"


class LRScheduleCollapse(ScriptRule):
    """Flags a learning-rate schedule that cut the rate to almost nothing early in training,
    when a copy trained at the schedule's peak rate does clearly better.

    ## What it does
    Reads the learning rate of the optimizer's first parameter group at every ``step()``. A
    rate that falls under 1% of its peak within the first half of the steps and is still
    there at the end is a schedule gone wrong (a schedule meant to decay over the whole run
    reaches its floor only near the end). It is reported when the model as given scores
    clearly below the diagnosis's copy, which trains at the peak rate throughout (10 accuracy
    points beyond the interval, or 0.2 R^2): an error when the gap is 25 points (0.4 R^2) or
    the model as given learned nothing, else a warning. `nndoctor run` always gives the
    diagnosis the schedule's peak rate, not the rate it ended at.

    ## Why is this bad?
    A scheduler stepped every batch where it was written for epochs (``StepLR(step_size=1,
    gamma=0.5)``) halves the rate hundreds of times: after a few dozen batches the weights
    stop moving and the model keeps its first, barely trained state.

    ## Example
    ```python
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=1, gamma=0.5)
    for epoch in range(10):
        for xb, yb in loader:
            ...; optimizer.step(); scheduler.step()   # every batch
    ```

    ## Fix
    Step the scheduler once per epoch, or size it in batches.
    """

    code = "RUN008"
    cause = "lr-too-low"
    summary = "a learning-rate schedule cut the rate under 1% of its peak early in training"


class LabelsOutsideOutput(ScriptRule):
    """Flags class labels the model's output layer cannot produce, in data a script trained on
    without crashing.

    ## What it does
    `diagnose()` refuses labels outside ``0..C-1`` for a model whose output layer gives ``C``
    classes (one sigmoid unit: 0 and 1) as a bad argument. When those labels are the ones the
    script itself trained on, they are the finding: an error, with the labels' range and the
    output's.

    ## Why is this bad?
    Some losses do not check: binary cross-entropy on -1/+1 targets (``np.sign``) computes
    ``-log`` of a probability pushed the wrong way, the loss goes negative and the accuracy
    means nothing. Labels 1..C under ``C`` outputs leave class C without a unit.

    ## Example
    ```python
    y = np.sign(score)                       # -1 / +1
    model.add(Dense(1, activation="sigmoid"))
    model.compile(loss="binary_crossentropy")
    ```

    ## Fix
    Re-encode the labels as 0..C-1 (``(y > 0).astype(int)``, ``LabelEncoder``), or give the output
    layer one unit per class.
    """

    code = "RUN009"
    cause = "label-encoding-mismatch"
    summary = "the script trained on class labels its output layer cannot produce"


class LRScheduleRise(ScriptRule):
    """Flags a learning-rate schedule that kept raising the rate until training broke (Keras).

    ## What it does
    Reads the learning rate and the training loss of every epoch from the ``History`` of each
    ``fit`` (a ``LearningRateScheduler`` or another callback that logs the rate, or the
    optimizer's ``LearningRateSchedule`` evaluated at each epoch's last step). When the loss
    ends NaN, or at twice its lowest value or more, while the rate at the end is 10 times (or
    more) the rate of the epoch with the lowest loss, the rising rate broke training: an
    error when the final loss is back above the first epoch's (or NaN), else a warning. A
    warm-up whose loss keeps falling, or a rate that never rose past where the loss was best,
    is not flagged.

    ## Why is this bad?
    A schedule copied from a learning-rate range test (``lr = 1e-4 * 10 ** (epoch / 4)``), or a
    warm-up never capped at its peak, multiplies the rate every epoch. The model learns while
    the rate is right, then each step overshoots: the loss climbs, ReLU units die, and the
    final weights predict one class.

    ## Example
    ```python
    schedule = keras.callbacks.LearningRateScheduler(lambda epoch: 1e-4 * 10 ** (epoch / 4))
    model.fit(x, y, epochs=30, callbacks=[schedule])   # the range test left in
    ```

    ## Fix
    Train at the rate where the loss was lowest (or a little below it), constant or decaying;
    cap a warm-up at its target rate.
    """

    code = "RUN010"
    cause = "lr-too-high"
    summary = "a learning-rate schedule kept raising the rate until the loss climbed back (Keras)"


class LossBroadcast(ScriptRule):
    """Flags a hand-written loss that subtracts an ``(N,)`` target from an ``(N, 1)`` output (or the
    reverse) in a Keras training loop.

    ## What it does
    In a custom training loop (``tf.GradientTape``, with or without ``@tf.function``), the
    script's loss arithmetic is watched: a target subtracted from the output of the model's
    last call names a training batch, and shapes ``(N, 1)`` against ``(N,)`` broadcast to
    ``(N, N)``. The diagnosis trains its copy with Keras's own mean squared error, which
    matches the ranks; when that copy scores clearly better than the model the script
    trained, the broadcast is confirmed: an error, else a warning.

    ## Why is this bad?
    ``y - pred`` with ``y`` of shape ``(N,)`` and ``pred`` of shape ``(N, 1)`` is an ``(N, N)``
    matrix: every prediction is pulled toward every target of its batch, so the model learns
    to predict the batch mean. The loss falls a little and then stalls at the variance of the
    targets.

    ## Example
    ```python
    pred = model(xb, training=True)                 # (N, 1)
    loss = tf.reduce_mean(tf.square(yb - pred))     # yb: (N,) -> (N, N)
    ```

    ## Fix
    Give both the same shape (``tf.squeeze(pred, -1)`` or ``yb[:, None]``), or use
    ``keras.losses.MeanSquaredError()``, which matches them.
    """

    code = "RUN011"
    cause = "shape-broadcast"
    summary = "a hand-written loss subtracted an (N,) target from an (N, 1) output (Keras loop)"


class WeightsRestoredToStart(ScriptRule):
    """Flags a trained PyTorch model whose weights were put back to their starting values.

    ## What it does
    Watches ``load_state_dict``: when a model whose weights had changed since the first loss
    call is loaded with a state equal to its weights at that call, training was undone. The
    usual form is an early-stopping checkpoint that never updated: ``best_loss = 0.0`` (no
    validation loss is lower), so the "best" state stays the one saved before training and is
    restored at the end. An error: the model as given is untrained.

    ## Why is this bad?
    The loss printed during training falls and the loop looks right, but the model the script
    evaluates and keeps is the one it started with: random predictions.

    ## Example
    ```python
    best_loss, best_state = 0.0, copy.deepcopy(model.state_dict())
    for epoch in range(100):
        ...
        if val_loss < best_loss:          # never true
            best_loss, best_state = val_loss, copy.deepcopy(model.state_dict())
    model.load_state_dict(best_state)     # the untrained weights
    ```

    ## Fix
    Start the comparison at infinity (``best_loss = float("inf")``), or save the state whenever
    it is the best so far, before stopping.
    """

    code = "RUN012"
    cause = "undertrained"
    summary = "load_state_dict put the trained model back to its weights before training"


SCRIPT_RULES: list[type[ScriptRule]] = [StepNeverCalled, ZeroGradMissing, PredictsInTrainMode, ScriptCrashed,
                                        WeightsNeverChanged, OneClassBatches, PredictionInputsShifted,
                                        LRScheduleCollapse, LabelsOutsideOutput, LRScheduleRise,
                                        LossBroadcast, WeightsRestoredToStart]


def find_script_rule(code_or_cause: str) -> list[type[ScriptRule]]:
    """Script checks whose code (case-insensitive) or cause id matches."""
    key = code_or_cause.strip()
    return [r for r in SCRIPT_RULES if r.code == key.upper() or key.lower() in r.cause.split(", ")]

