"""What a PyTorch script does, seen through global hooks: which model fed which loss with which
targets, how often ``backward``, ``step`` and ``zero_grad`` ran, and whether predictions were
made in training mode, by the model or by a copy of it. Nothing here changes a value the script
computes."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field

import numpy as np

from .label_order import LabelOrder

MAX_SAMPLES = 20_000
"""Training samples kept per model (duplicates from later epochs are skipped)."""

MAX_SNAPSHOT = 50_000_000
"""Models with up to this many parameters get a copy of their starting weights (to tell, at the
end, whether training changed any of them)."""

MAX_LR_TRACE = 1_000_000
"""Optimizer steps whose learning rate is kept."""

MAX_DERIVED = 10_000
"""Class-prediction tensors tracked between two loss calls (argmax/threshold results)."""

COPY_STEP_SHARE = 0.5
"""A copy of a trained model called between this share of its training steps or more is part of
the step (a mean-teacher or target network), not a prediction."""

INHERITED = object()
"""Marks a patched attribute the class did not define itself: removed, not set back."""

FUNCTIONAL_LOSSES = ("cross_entropy", "nll_loss", "binary_cross_entropy", "binary_cross_entropy_with_logits",
                     "mse_loss", "l1_loss", "huber_loss", "smooth_l1_loss")
"""``torch.nn.functional`` losses watched like loss modules."""


def new_rows(x: np.ndarray, seen: set, room: int, known=frozenset()) -> list[int]:
    """Indices of the rows of ``x`` whose content is in neither ``seen`` nor ``known``, at most
    ``room`` of them; they are added to ``seen`` (a batch repeated every epoch is kept once)."""
    keep = []
    for i, row in enumerate(np.ascontiguousarray(x.reshape(len(x), -1))):
        if len(keep) >= room:
            break
        key = hash(row.tobytes())
        if key not in seen and key not in known:
            seen.add(key)
            keep.append(i)
    return keep


@dataclass
class TorchModelRecord:
    """One top-level model the script trained (its output fed a loss module)."""

    model: object
    loss: object = None
    x: list = field(default_factory=list)
    y: list = field(default_factory=list)
    x_val: list = field(default_factory=list)
    y_val: list = field(default_factory=list)
    seen: set = field(default_factory=set)
    seen_val: set = field(default_factory=set)
    loss_calls: int = 0
    inference_calls: int = 0
    inference_in_train_mode: int = 0
    # predictions in training mode by a copy of the model (`copy_of`): made outside training
    # steps (after the last one, or before a loss under no_grad) ...
    copy_calls_in_train_mode: int = 0
    copy_step_calls: int = 0  # ... and made between two training steps, settled by the second
    copy_steps: int = 0  # training steps that settled such calls (a teacher network's: nearly all)
    batch_size: int | None = None
    train_loss_calls: int = 0  # loss calls with gradients enabled: training iterations
    initial: list | None = None  # the parameters as they were at the first loss call
    predictions: list = field(default_factory=list)  # (inputs, outputs) of calls that fed no loss
    label_order: LabelOrder = field(default_factory=LabelOrder)  # the training labels, in the order fed
    inputs_from_module: bool = False  # its inputs were another module's outputs (an encoder's): features, not data
    restored_to_start: bool = False  # trained weights replaced by the starting ones (load_state_dict)

    def snapshot(self) -> None:
        params = list(self.model.parameters())
        if sum(p.numel() for p in params) <= MAX_SNAPSHOT:
            self.initial = [p.detach().clone() for p in params]

    def unchanged_parameters(self) -> list | None:
        """``(name, parameter)`` of every parameter still equal to its value at the first loss
        call (None: unknown, e.g. layers were added or replaced since)."""
        named = list(self.model.named_parameters())
        if self.initial is None or len(named) != len(self.initial):
            return None
        import torch

        return [(n, p) for (n, p), p0 in zip(named, self.initial)
                if p.shape == p0.shape and torch.equal(p.detach().to(p0.device), p0)]

    def weights_changed(self) -> bool | None:
        """Whether any parameter differs from its value at the first loss call (None: unknown)."""
        unchanged = self.unchanged_parameters()
        if unchanged is None:
            return None
        return len(unchanged) < len(list(self.model.parameters()))

    def like_targets(self, labels: np.ndarray) -> np.ndarray:
        """Labels a script compared its predictions with, shaped and typed like the targets its
        loss was given (``(N,)`` long for CrossEntropyLoss, ``(N, 1)`` float for BCE)."""
        if not self.y:
            return labels
        target = self.y[0]
        if target.ndim == 2 and target.shape[1] > 1 and labels.ndim == 1:  # one-hot targets, class indices
            if not np.issubdtype(labels.dtype, np.integer) or labels.min(initial=0) < 0 \
                    or labels.max(initial=0) >= target.shape[1]:
                return labels
            return np.eye(target.shape[1], dtype=target.dtype)[labels]
        per_row = int(np.prod(target.shape[1:])) if target.ndim > 1 else 1
        if labels.size == len(labels) * per_row:
            labels = labels.reshape((len(labels),) + target.shape[1:])
        return labels.astype(target.dtype, copy=False)

    def copy_predictions_in_train_mode(self) -> int:
        """Calls of copies of the model, in training mode, that were predictions: those outside
        training steps, and those between steps unless a copy was called in most of the steps
        (a teacher or target network, whose train mode is the script's choice)."""
        teacher = self.copy_steps >= COPY_STEP_SHARE * max(self.train_loss_calls, 1)
        return self.copy_calls_in_train_mode + (0 if teacher else self.copy_step_calls)

    def n(self, val=False) -> int:
        return sum(len(a) for a in (self.x_val if val else self.x))

    def add(self, x, y, val=False) -> None:
        """Keep the batch's samples not seen before, up to MAX_SAMPLES."""
        xs, ys, seen = (self.x_val, self.y_val, self.seen_val) if val else (self.x, self.y, self.seen)
        room = MAX_SAMPLES - self.n(val)
        if room <= 0 or len(x) != len(y):
            return
        # a training sample judged again (train accuracy after each epoch) is no validation sample
        keep = new_rows(x, seen, room, known=self.seen if val else frozenset())
        if keep:
            xs.append(x[keep])
            ys.append(y[keep])

    def data(self, val=False):
        xs, ys = (self.x_val, self.y_val) if val else (self.x, self.y)
        if not xs:
            return None
        return np.concatenate(xs), np.concatenate(ys)


class TorchCapture:
    """Install with ``install(torch)``; read ``models``, ``steps``, ``optimizers`` ...; ``remove()``."""

    def __init__(self):
        self.models: dict[int, TorchModelRecord] = {}
        self.optimizers: dict[int, object] = {}
        self.steps = 0
        self.steps_by: dict[int, int] = {}  # id(optimizer) -> step() calls
        self.lr_trace: dict[int, list] = {}  # id(optimizer) -> its first group's LR at each step
        self.input_counts: dict[int, int] = {}  # id(module) -> tensors a forward took, when more than one
        self.zero_grads_by: dict[int, int] = {}  # id(optimizer or module) -> zero_grad() calls
        self.zero_grad_calls = 0
        self.module_zero_grads = 0  # model.zero_grad() calls (clear whichever optimizer's parameters)
        self.uncleared_steps: dict[int, int] = {}  # id(optimizer) -> steps with no zero_grad since its last
        self._clears_at_step: dict[int, tuple] = {}
        self.backward_calls = 0
        self.loss_calls = 0
        self.in_loss = False  # an exception raised now was raised by a loss module
        self.raised_in_backward = False  # the script's exception came out of backward()
        self.last_loss_args = None
        self._depth = 0
        self._pending: list = []  # top-level forwards not (yet) consumed by a loss
        self._pending_by_output: dict[int, tuple] = {}  # id(output) -> its _pending entry
        self._derived: dict[int, tuple] = {}  # id(tensor) -> (tensor, entry): predictions taken from a pending output
        self._compared: dict[int, np.ndarray] = {}  # id(pending output) -> the labels its predictions were compared with
        self._subtracted: dict[int, tuple] = {}  # id(pending output) -> (its view, target) a hand-written loss subtracted
        self._handles: list = []
        self._patched: list = []
        self.torch = None

    # -- installation -----------------------------------------------------------------------
    def install(self, torch) -> None:
        from torch.nn.modules import module as module_mod
        from torch.optim import optimizer as optim_mod

        self.torch = torch
        self._handles = [module_mod.register_module_forward_pre_hook(self._pre),
                         module_mod.register_module_forward_hook(self._post),
                         optim_mod.register_optimizer_step_post_hook(self._step)]
        capture = self

        def counting(owner, name, counter):
            original = owner.__dict__[name]

            def wrapper(*args, **kwargs):
                setattr(capture, counter, getattr(capture, counter) + 1)
                if counter == "zero_grad_calls" and args:
                    capture.zero_grads_by[id(args[0])] = capture.zero_grads_by.get(id(args[0]), 0) + 1
                    capture.module_zero_grads += owner is torch.nn.Module
                if owner is torch.optim.Optimizer and args:  # an optimizer that never steps
                    capture.optimizers.setdefault(id(args[0]), args[0])
                if counter != "backward_calls":
                    return original(*args, **kwargs)
                capture._hand_written_losses()
                try:
                    return original(*args, **kwargs)
                except BaseException:
                    capture.raised_in_backward = True
                    raise
            wrapper.__wrapped__ = original
            wrapper.__doc__ = original.__doc__
            setattr(owner, name, wrapper)
            self._patched.append((owner, name, original))

        self._watch_accuracy(torch)
        self._watch_restores(torch)
        counting(torch.optim.Optimizer, "zero_grad", "zero_grad_calls")
        counting(torch.nn.Module, "zero_grad", "zero_grad_calls")
        counting(torch.Tensor, "backward", "backward_calls")
        for name in FUNCTIONAL_LOSSES:
            self._patch_functional_loss(torch.nn.functional, name)

    def _watch_restores(self, torch) -> None:
        """``model.load_state_dict(state)`` that puts a trained model back to its weights at the
        first loss call: an early-stopping 'best' checkpoint that was never updated, a reload
        of the initial state. The record remembers it (`restored_to_start`)."""
        original = torch.nn.Module.__dict__["load_state_dict"]
        capture = self

        def load_state_dict(module, *args, **kwargs):
            record = capture.models.get(id(module))
            trained = record.weights_changed() if record is not None else None
            result = original(module, *args, **kwargs)
            try:
                if trained and record.weights_changed() is False:
                    record.restored_to_start = True
            except Exception:  # noqa: BLE001, S110 - recording must never break the user's load
                pass
            return result
        load_state_dict.__wrapped__ = original
        load_state_dict.__doc__ = original.__doc__
        torch.nn.Module.load_state_dict = load_state_dict
        self._patched.append((torch.nn.Module, "load_state_dict", original))

    def _watch_accuracy(self, torch) -> None:
        """A script's own accuracy computation, ``(model(x).argmax(1) == y)``, names the labels
        of inputs the model predicted on without a loss: class predictions taken from a pending
        output (argmax, max over a dim, sigmoid, a threshold, round; through .data, detach,
        cpu, float, view and kin) and compared (``==``, ``eq``) with as many labels. Those pairs become validation
        data when the output turns out to be a prediction (no loss consumed it)."""
        capture = self

        def derive(source, result) -> None:
            entry = capture._entry_of(source)
            if entry is not None and capture._is_tensor(result) and len(capture._derived) < MAX_DERIVED:
                capture._derived[id(result)] = (result, entry)

        def compare(a, b) -> None:
            for pred, labels in ((a, b), (b, a)):
                derived = capture._derived.get(id(pred))
                if derived is not None and derived[0] is pred and capture._is_tensor(labels) and labels.ndim \
                        and pred.ndim and len(labels) == len(pred) and labels.numel() == pred.numel():
                    capture._compared[id(derived[1][2])] = labels.detach().cpu().numpy()
                    return

        def subtract(a, b) -> None:
            """``output - target`` (a hand-written loss) with gradients on: keep the target."""
            for output, target in ((a, b), (b, a)):
                entry = capture._entry_of(output)  # the output itself, or reshaped first (pred.squeeze(1))
                if entry is not None and capture._is_tensor(target) and target.ndim \
                        and output.ndim and len(target) == len(output) and torch.is_grad_enabled() \
                        and output.requires_grad and not target.requires_grad:
                    capture._subtracted[id(entry[2])] = (output, target)
                    return

        def watch(owner, name, comparing=False, pick=None, subtracting=False):
            original = getattr(owner, name)
            owned = name in owner.__dict__

            def wrapper(*args, **kwargs):
                result = original(*args, **kwargs)
                if (capture._pending_by_output or capture._derived) and len(args) >= (2 if comparing or subtracting
                                                                                     else 1):
                    try:
                        if subtracting:
                            subtract(args[0], args[1])
                        elif comparing:
                            compare(args[0], args[1])
                        elif capture._is_tensor(args[0]):
                            derive(args[0], result if pick is None else pick(result))
                    except Exception:  # noqa: BLE001, S110 - watching must never break the user's code
                        pass
                return result
            wrapper.__wrapped__ = original
            wrapper.__doc__ = original.__doc__
            wrapper.__name__ = name
            setattr(owner, name, wrapper)
            self._patched.append((owner, name, original if owned else INHERITED))

        def indices(result):
            return getattr(result, "indices", None)

        for owner in (torch.Tensor, torch):
            watch(owner, "argmax")
            watch(owner, "max", pick=indices)
            watch(owner, "sigmoid")
            watch(owner, "round")
        for name in ("detach", "cpu", "to", "float", "long", "int", "squeeze", "flatten", "view", "reshape",
                     "__gt__", "__ge__"):
            watch(torch.Tensor, name)
        for name in ("__eq__", "eq"):
            watch(torch.Tensor, name, comparing=True)
        for name in ("__sub__", "__rsub__", "sub"):
            watch(torch.Tensor, name, subtracting=True)
        base = torch._C.TensorBase.data

        def data_get(tensor):
            result = base.__get__(tensor)
            if capture._pending_by_output:
                try:
                    derive(tensor, result)
                except Exception:  # noqa: BLE001, S110 - watching must never break the user's code
                    pass
            return result
        torch.Tensor.data = property(data_get, base.__set__, None, base.__doc__)
        self._patched.append((torch.Tensor, "data", INHERITED))

    def _entry_of(self, tensor):
        """The pending forward whose output ``tensor`` is, or was derived from (argmax, squeeze,
        sigmoid(out) > 0.5, ...); None for any other tensor. By identity: ids are reused."""
        entry = self._pending_by_output.get(id(tensor))
        if entry is not None and entry[2] is tensor:
            return entry
        derived = self._derived.get(id(tensor))
        return derived[1] if derived is not None and derived[0] is tensor else None

    def _hand_written_losses(self) -> None:
        """``backward()`` on a loss no loss module computed, after the script subtracted a target
        from a model's pending output (``torch.sqrt(torch.mean((pred - y) ** 2))``): that pair is
        a training batch, recorded as if ``nn.MSELoss`` had compared them (the copies train with
        it; shapes are kept, so an (N, 1) - (N,) broadcast shows)."""
        if not self._subtracted or not self.torch.is_grad_enabled():
            return
        for entry in list(self._pending):
            pair = self._subtracted.pop(id(entry[2]), None)
            if pair is not None:  # the loss's own view of the output (squeezed or not) against the target
                self._on_loss(self.torch.nn.MSELoss(), pair, fed=entry)
        self._subtracted = {}

    def _patch_functional_loss(self, functional, name: str) -> None:
        """``F.cross_entropy(output, target, ...)`` and kin are seen as the loss module they
        stand for (built with the same keyword arguments); calls from inside a loss module's
        own forward are not counted twice."""
        from ..adapters.torch import FUNCTIONAL

        original = getattr(functional, name, None)
        if original is None or name not in FUNCTIONAL:
            return
        capture = self

        def wrapper(*args, **kwargs):
            if capture.in_loss or len(args) < 2:
                return original(*args, **kwargs)
            try:
                module = FUNCTIONAL[name](**{k: v for k, v in kwargs.items() if k not in {"input", "target"}})
            except TypeError:
                module = FUNCTIONAL[name]()
            capture.in_loss = True
            capture._on_loss(module, args[:2])
            result = original(*args, **kwargs)  # an exception leaves in_loss set: the loss raised it
            capture.in_loss = False
            return result
        wrapper.__wrapped__ = original
        wrapper.__doc__ = original.__doc__
        wrapper.__name__ = name
        setattr(functional, name, wrapper)
        self._patched.append((functional, name, original))

    def remove(self) -> None:
        for handle in self._handles:
            handle.remove()
        for owner, name, original in reversed(self._patched):
            if original is INHERITED:
                delattr(owner, name)
            else:
                setattr(owner, name, original)
        self._handles, self._patched = [], []
        self._settle()

    # -- hooks ------------------------------------------------------------------------------
    def _is_loss(self, module) -> bool:
        return isinstance(module, self.torch.nn.modules.loss._Loss)

    def _pre(self, module, args):
        if self._depth == 0 and self._is_loss(module):
            self.in_loss = True
            self._on_loss(module, args)
        self._depth += 1

    def _post(self, module, args, output):
        self._depth = max(self._depth - 1, 0)
        if self._depth:
            return
        if self._is_loss(module):
            self.in_loss = False
        elif args and self._is_tensor(args[0]) and self._is_tensor(output):
            tensors = sum(1 for a in args if self._is_tensor(a))
            if tensors > 1:
                self.input_counts[id(module)] = tensors
            entry = (module, args[0], output, bool(module.training))
            self._pending.append(entry)
            self._pending_by_output[id(output)] = entry

    def _step(self, optimizer, args, kwargs):
        self.steps += 1
        self.steps_by[id(optimizer)] = self.steps_by.get(id(optimizer), 0) + 1
        self.optimizers[id(optimizer)] = optimizer
        clears = (self.zero_grads_by.get(id(optimizer), 0), self.module_zero_grads)
        if self._clears_at_step.get(id(optimizer)) == clears:  # nothing cleared since its last step
            self.uncleared_steps[id(optimizer)] = self.uncleared_steps.get(id(optimizer), 0) + 1
        self._clears_at_step[id(optimizer)] = clears
        trace = self.lr_trace.setdefault(id(optimizer), [])
        if len(trace) < MAX_LR_TRACE and optimizer.param_groups:
            try:
                trace.append(float(optimizer.param_groups[0]["lr"]))
            except (KeyError, TypeError, ValueError):  # an optimizer without a plain "lr"
                pass

    def peak_lr(self, optimizer) -> float | None:
        """The largest LR the optimizer's first parameter group stepped with (a schedule's peak)."""
        trace = self.lr_trace.get(id(optimizer))
        return max(trace) if trace else None

    def copy_of(self, module):
        """The record of the trained model that ``module``, another object, copies: same class
        and the same parameter names and shapes (``copy.deepcopy``, a second instance given its
        ``state_dict``, a whole model saved and loaded again). None for anything else."""
        trained = [r for r in self.models.values() if r.train_loss_calls and r.model is not module
                   and type(r.model).__qualname__ == type(module).__qualname__]
        if not trained:
            return None
        shapes = [(n, tuple(p.shape)) for n, p in module.named_parameters()]
        return next((r for r in trained if shapes and shapes == [(n, tuple(p.shape))
                                                                 for n, p in r.model.named_parameters()]), None)

    def _is_tensor(self, value) -> bool:
        return isinstance(value, self.torch.Tensor)

    # -- bookkeeping ------------------------------------------------------------------------
    def _on_loss(self, loss, args, fed=None):
        """One loss call on (prediction, target); ``fed``: the pending forward it consumed, when
        known (else found by identity, or the last one)."""
        self.loss_calls += 1
        self._depth = 0  # a forward that raised earlier never came back: start afresh
        if len(args) < 2 or not (self._is_tensor(args[0]) and self._is_tensor(args[1])):
            return
        prediction, target = args[0], args[1]
        self.last_loss_args = (tuple(prediction.shape), tuple(target.shape))
        fed = fed or next((p for p in reversed(self._pending) if p[2] is prediction), None)
        if fed is None and self._pending:  # a function between model and loss (e.g. F.softmax)
            fed = self._pending[-1]
        if fed is None:
            return
        # by identity: list.remove would compare the tensors in the tuples with ==
        self._pending = [p for p in self._pending if p is not fed]
        self._pending_by_output.pop(id(fed[2]), None)
        self._compared.pop(id(fed[2]), None)  # compared, then fed to a loss: a training batch
        module, inputs, _, in_train_mode = fed
        record = self.models.get(id(module))
        original = self.copy_of(module) if record is None and not self.torch.is_grad_enabled() else None
        if original is not None:  # a copy of a trained model evaluated (loss under no_grad): no model of its own
            self._settle()
            original.copy_calls_in_train_mode += int(in_train_mode and has_stochastic_layers(module))
            return
        if record is None:
            record = self.models[id(module)] = TorchModelRecord(model=module)
            record.snapshot()
        if any(p[2] is inputs for p in self._pending):  # head(encoder(x)): the head's inputs move as the encoder trains
            record.inputs_from_module = True
        training = self.torch.is_grad_enabled()
        self._settle(step=training)  # after the model is known: predictions made before its first loss count too
        record.loss = loss
        record.loss_calls += 1
        if record.batch_size is None and inputs.ndim:
            record.batch_size = int(inputs.shape[0])
        x = inputs.detach().cpu().numpy()
        y = target.detach().cpu().numpy()
        raw = fed[2]
        if prediction is not raw and prediction.numel() == raw.numel() == target.numel() \
                and tuple(raw.shape) != tuple(target.shape):
            # the loss saw a reshaped output (criterion(out.squeeze(1), y)): the same comparison as
            # the raw (N, 1) output against (N, 1) targets, which is what the copies compute
            y = y.reshape(tuple(raw.shape))
        if training:
            record.train_loss_calls += 1
            record.label_order.note(y)
        record.add(x, y, val=not training)

    def _settle(self, step=False) -> None:
        """Forwards that no loss consumed were predictions: note their train/eval mode (also for
        copies of a trained model). ``step``: a training loss settles them (they came before it)."""
        from .prediction_inputs import record_prediction

        copies = {}  # id(the original's record) -> [record, its copies' calls in training mode]
        for module, inputs, output, training in self._pending:
            record = self.models.get(id(module))
            if record is None and training:
                original = self.copy_of(module)
                if original is not None and has_stochastic_layers(module):
                    copies.setdefault(id(original), [original, 0])[1] += 1
            if record is not None:
                x = inputs.detach().cpu().numpy()
                record_prediction(record.predictions, x, output.detach().cpu().numpy())
                record.inference_calls += 1
                record.inference_in_train_mode += bool(training) and has_stochastic_layers(module)
                labels = self._compared.get(id(output))
                if labels is not None:
                    record.add(x, record.like_targets(labels), val=True)
        for original, calls in copies.values():
            if step:
                original.copy_step_calls += calls
                original.copy_steps += 1
            else:
                original.copy_calls_in_train_mode += calls
        self._pending, self._pending_by_output, self._derived, self._compared = [], {}, {}, {}
        self._subtracted = {}


def has_stochastic_layers(module) -> bool:
    """Dropout or batch-norm anywhere in the module: what training mode changes."""
    torch = sys.modules.get("torch")
    if torch is None:
        return False
    kinds = (torch.nn.modules.dropout._DropoutNd, torch.nn.modules.batchnorm._BatchNorm)
    return any(isinstance(m, kinds) for m in module.modules())
