"""PyTorch adapter: profiles an ``nn.Module``, predicts, and trains recorded copies of it."""

from __future__ import annotations

import copy
import inspect
import math
import random
import time
import warnings
from contextlib import contextmanager

import numpy as np
import torch
from torch import nn

from ..evidence.data import decode_labels
from ..evidence.model import LayerInfo, ModelProfile
from ..evidence.run import RunRecord
from ._base import (Adapter, TrainSpec, divergence_watch, probe_snapshot, scheduled_lr, score, standard_init,
                    stop_reason, update_ratio)

LOSS_NAMES = {
    "cross_entropy": nn.CrossEntropyLoss, "crossentropy": nn.CrossEntropyLoss,
    "ce": nn.CrossEntropyLoss, "sparse_categorical_crossentropy": nn.CrossEntropyLoss,
    "categorical_crossentropy": nn.CrossEntropyLoss, "nll": nn.NLLLoss, "nll_loss": nn.NLLLoss,
    "bce": nn.BCELoss, "binary_crossentropy": nn.BCELoss, "binary_cross_entropy": nn.BCELoss,
    "bce_with_logits": nn.BCEWithLogitsLoss, "binary_cross_entropy_with_logits": nn.BCEWithLogitsLoss,
    "mse": nn.MSELoss, "mse_loss": nn.MSELoss, "mean_squared_error": nn.MSELoss,
    "mae": nn.L1Loss, "l1": nn.L1Loss, "l1_loss": nn.L1Loss, "mean_absolute_error": nn.L1Loss,
    "huber": nn.HuberLoss, "huber_loss": nn.HuberLoss, "smooth_l1": nn.SmoothL1Loss,
    "smooth_l1_loss": nn.SmoothL1Loss,
}

# canonical loss name, and whether the loss applies softmax/sigmoid itself
CANONICAL = {
    nn.CrossEntropyLoss: ("sparse_categorical_crossentropy", True),
    nn.NLLLoss: ("nll", False),
    nn.BCELoss: ("binary_crossentropy", False),
    nn.BCEWithLogitsLoss: ("binary_crossentropy", True),
    nn.MSELoss: ("mse", None),
    nn.L1Loss: ("mae", None),
    nn.HuberLoss: ("huber", None),
    nn.SmoothL1Loss: ("huber", None),
}
FUNCTIONAL = {
    "cross_entropy": nn.CrossEntropyLoss, "nll_loss": nn.NLLLoss,
    "binary_cross_entropy": nn.BCELoss, "binary_cross_entropy_with_logits": nn.BCEWithLogitsLoss,
    "mse_loss": nn.MSELoss, "l1_loss": nn.L1Loss, "huber_loss": nn.HuberLoss,
    "smooth_l1_loss": nn.SmoothL1Loss,
}
ACTIVATIONS = {
    nn.ReLU: "relu", nn.ReLU6: "relu6", nn.LeakyReLU: "leaky_relu", nn.ELU: "elu", nn.SELU: "selu",
    nn.GELU: "gelu", nn.SiLU: "silu", nn.Sigmoid: "sigmoid", nn.Tanh: "tanh",
    nn.Softmax: "softmax", nn.LogSoftmax: "log_softmax", nn.Hardsigmoid: "hard_sigmoid",
    nn.LogSigmoid: "log_sigmoid",
    nn.Identity: "linear",
}


def _resolve_loss(loss):
    """A callable loss and its class (for the canonical name), from a module, class, function or name."""
    if loss is None:
        raise TypeError("`loss` is required for a torch.nn.Module: a torch loss (e.g. "
                        "nn.CrossEntropyLoss()), a loss class, a function or a name like "
                        "'cross_entropy' or 'mse'. Got None instead.")
    if isinstance(loss, str):
        key = loss.lower().replace("-", "_")
        if key not in LOSS_NAMES:
            raise ValueError(f"`loss` must be one of {sorted(LOSS_NAMES)} when given as a name. "
                             f"Got {loss!r} instead.")
        return LOSS_NAMES[key](), LOSS_NAMES[key]
    if inspect.isclass(loss) and issubclass(loss, nn.Module):
        return loss(), loss
    if isinstance(loss, nn.Module):
        return loss, type(loss)
    if callable(loss):
        return loss, FUNCTIONAL.get(getattr(loss, "__name__", ""), None)
    raise TypeError(f"`loss` must be a torch loss module, class, function or name. "
                    f"Got {type(loss).__name__} instead.")


def _optimizer_factory(optimizer, lr):
    """A function params -> optimizer, and the optimizer's name and learning rate."""
    if optimizer is None:
        optimizer = "adam"
    if isinstance(optimizer, str):
        by_name = {name.lower(): cls for name, cls in vars(torch.optim).items()
                   if inspect.isclass(cls) and issubclass(cls, torch.optim.Optimizer)}
        if optimizer.lower() not in by_name:
            raise ValueError(f"`optimizer` must name a torch.optim optimizer (e.g. 'adam', 'sgd'). "
                             f"Got {optimizer!r} instead.")
        optimizer = by_name[optimizer.lower()]
    if isinstance(optimizer, torch.optim.Optimizer):
        cls, defaults = type(optimizer), _accepted(type(optimizer), optimizer.defaults)
        defaults["lr"] = optimizer.param_groups[0]["lr"]
        base_lr = lr if lr is not None else defaults["lr"]
        return (lambda params, lr_=None: cls(params, **{**defaults, "lr": lr_ or base_lr})), cls.__name__, base_lr
    if inspect.isclass(optimizer) and issubclass(optimizer, torch.optim.Optimizer):
        cls = optimizer
        default_lr = inspect.signature(cls.__init__).parameters.get("lr")
        base_lr = lr if lr is not None else (default_lr.default if default_lr and isinstance(
            default_lr.default, (int, float)) else 1e-3)
        return (lambda params, lr_=None: cls(params, lr=lr_ or base_lr)), cls.__name__, float(base_lr)
    if callable(optimizer):
        probe = optimizer([torch.zeros(1, requires_grad=True)])
        if not isinstance(probe, torch.optim.Optimizer):
            raise TypeError("`optimizer` given as a function must return a torch.optim.Optimizer. "
                            f"Got {type(probe).__name__} instead.")
        base_lr = lr if lr is not None else probe.param_groups[0]["lr"]

        def build(params, lr_=None):
            opt = optimizer(params)
            for group in opt.param_groups:
                group["lr"] = lr_ or base_lr
            return opt
        return build, type(probe).__name__, float(base_lr)
    raise TypeError("`optimizer` must be a torch.optim class, an instance, a function params -> "
                    f"optimizer, or a name. Got {type(optimizer).__name__} instead.")


def _accepted(cls, defaults: dict) -> dict:
    """The optimizer's defaults its constructor accepts. Some hold settings the class fixes
    itself (torch 2.x: AdamW's ``decoupled_weight_decay``, which ``AdamW()`` does not take)."""
    params = inspect.signature(cls.__init__).parameters
    if any(p.kind is p.VAR_KEYWORD for p in params.values()):
        return dict(defaults)
    return {k: v for k, v in defaults.items() if k in params}


def _optimizer_coverage(optimizer, model: nn.Module) -> list[bool] | None:
    """For an optimizer *instance*: which of the model's parameters it holds (in
    ``model.parameters()`` order). An instance built over another model's parameters (or a
    model re-created after its optimizer) holds none, and ``step()`` never changes this model:
    the copies are trained the same way. None for a class, name or factory."""
    if not isinstance(optimizer, torch.optim.Optimizer):
        return None
    held = {id(p) for group in optimizer.param_groups for p in group["params"]}
    return [id(p) in held for p in model.parameters()]


@contextmanager
def _modes_kept(model: nn.Module):
    """Restore every submodule's train/eval flag on exit."""
    modes = [(m, m.training) for m in model.modules()]
    try:
        yield
    finally:
        for m, training in modes:
            m.training = training


@contextmanager
def _rng_kept(seed: int):
    """Seed torch/numpy/python RNGs for a reproducible experiment, then restore the user's."""
    py_state, np_state = random.getstate(), np.random.get_state()
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        try:
            yield np.random.default_rng(seed)
        finally:
            random.setstate(py_state)
            np.random.set_state(np_state)


@contextmanager
def _single_thread():
    """Small models train fastest on one thread; two oversubscribe a busy 2-core machine."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)


class TorchAdapter(Adapter):
    framework = "torch"

    def __init__(self, model: nn.Module, *, loss=None, optimizer=None, lr=None):
        self.model = model
        self.loss_fn, self.loss_cls = _resolve_loss(loss)
        self.summed = getattr(self.loss_fn, "reduction", None) == "sum"  # read once: `_per_sample` runs every step
        self.make_optimizer, self.optimizer_name, self.lr = _optimizer_factory(optimizer, lr)
        self._covered = _optimizer_coverage(optimizer, model)
        self._leaves = _leaf_modules(model)
        self._profile = None

    # -- profile --------------------------------------------------------------------------
    def profile(self) -> ModelProfile:
        if self._profile is not None:
            return self._profile
        layers, pending = [], None
        for name, module in self._leaves:
            kind, weight, bias, units, act = "other", None, None, None, None
            if isinstance(module, nn.Linear):
                kind, units, weight = "dense", module.out_features, _kernel(module)
            elif isinstance(module, nn.modules.conv._ConvNd):
                kind, units, weight = "conv", module.out_channels, _kernel(module)
            elif type(module) in ACTIVATIONS:
                kind, act = "activation", ACTIVATIONS[type(module)]
                if pending is not None and pending.activation is None:
                    pending.activation = act
            elif isinstance(module, nn.modules.dropout._DropoutNd):
                kind = "dropout"
            elif isinstance(module, nn.modules.batchnorm._BatchNorm):
                kind = "batchnorm"
            if kind in {"dense", "conv"} and getattr(module, "bias", None) is not None:
                bias = module.bias.detach().cpu().numpy().copy()
            info = LayerInfo(name or type(module).__name__, kind, units, act, weight, bias)
            info.params = sum(p.numel() for p in module.parameters(recurse=False))
            if weight is not None:
                info.trainable = all(p.requires_grad for p in module.parameters(recurse=False))
            layers.append(info)
            if kind in {"dense", "conv"}:
                pending = info
            elif kind not in {"activation", "dropout", "batchnorm"}:
                pending = None
        output_activation = None
        if layers:
            last = layers[-1]
            output_activation = last.activation if last.kind == "activation" else (
                "linear" if last.kind == "dense" else None)
        output_units = next((layer.units for layer in reversed(layers) if layer.units), 1)
        name, from_logits = CANONICAL.get(self.loss_cls, (getattr(self.loss_fn, "__name__", type(
            self.loss_fn).__name__).lower(), None))
        self._profile = ModelProfile(
            framework=self.framework,
            layers=layers,
            n_params=sum(p.numel() for p in self.model.parameters()),
            output_units=int(output_units),
            output_activation=output_activation,
            loss_name=name,
            loss_from_logits=from_logits,
            optimizer_name=self.optimizer_name,
            lr=self.lr,
            has_dropout=any(layer.kind == "dropout" for layer in layers),
            has_batchnorm=any(layer.kind == "batchnorm" for layer in layers),
            extra={**self._trainable_extra(), "loss_reduction": getattr(self.loss_fn, "reduction", None),
                   "unregistered_layers": [{"name": n, "params": sum(p.numel() for p in m.parameters())}
                                           for n, m in _unregistered_modules(self.model)]},
        )
        return self._profile

    def _trainable_extra(self) -> dict:
        """Parameter counts the optimizer can reach: ``trainable_params`` (requires_grad) and,
        for an optimizer instance, ``optimizer_param_coverage`` (the share of the model's
        parameters, by count, that the instance holds); ``stored_grad_norms``: the norm of the
        ``.grad`` each weight tensor holds, by parameter name."""
        params = list(self.model.parameters())
        extra = {"trainable_params": sum(p.numel() for p in params if p.requires_grad),
                 "training_mode": self.model.training,
                 # what the user's last backward() left in .grad (read, never cleared): one
                 # batch's gradient after a normal loop, a growing sum without zero_grad()
                 "stored_grad_norms": {n: float(p.grad.detach().norm()) for n, p in self.model.named_parameters()
                                       if p.dim() > 1 and p.grad is not None}}
        if self._covered is not None:
            total = sum(p.numel() for p in params)
            held = sum(p.numel() for p, c in zip(params, self._covered) if c)
            extra["optimizer_param_coverage"] = held / total if total else 1.0
        return extra

    # -- inference on the user's model -----------------------------------------------------
    def _device(self, model):
        p = next(model.parameters(), None)
        return p.device if p is not None else torch.device("cpu")

    def _forward(self, model, x: np.ndarray, batch: int = 4096) -> np.ndarray:
        dtype = next(model.parameters()).dtype if any(True for _ in model.parameters()) else torch.float32
        device = self._device(model)
        outs = []
        with torch.no_grad():
            for i in range(0, len(x), batch):
                xb = torch.as_tensor(x[i:i + batch], dtype=dtype, device=device)
                outs.append(model(xb).detach().float().cpu().numpy())
        return np.concatenate(outs) if outs else np.zeros((0, 1))

    def predict(self, x: np.ndarray) -> np.ndarray:
        with _modes_kept(self.model), _single_thread():
            self.model.eval()
            return self._forward(self.model, x)

    def predict_as_called(self, x: np.ndarray, repeats: int = 2) -> list[np.ndarray]:
        model = copy.deepcopy(self.model)  # train mode would update batch-norm buffers
        with _rng_kept(0), _single_thread():
            return [self._forward(model, x) for _ in range(repeats)]

    def predict_batch_statistics(self, x: np.ndarray) -> np.ndarray:
        model = copy.deepcopy(self.model)
        model.eval()
        for module in model.modules():
            if isinstance(module, nn.modules.batchnorm._BatchNorm):
                module.train()
        with _single_thread():
            return self._forward(model, x, batch=max(len(x), 1))

    def _target(self, y: np.ndarray, output_shape) -> torch.Tensor:
        """Targets in the dtype the loss expects; binary losses get the output's shape."""
        y = np.asarray(y)
        if self.loss_cls in {nn.CrossEntropyLoss, nn.NLLLoss}:
            if y.ndim == 2 and y.shape[1] > 1:
                return torch.as_tensor(y, dtype=torch.float32)
            return torch.as_tensor(y.reshape(len(y)), dtype=torch.long)
        t = torch.as_tensor(y, dtype=torch.float32)
        if self.loss_cls in {nn.BCELoss, nn.BCEWithLogitsLoss} and t.numel() == math.prod(output_shape):
            t = t.reshape(output_shape)
        return t

    def _loss_on(self, model, x, y) -> float:
        out = torch.as_tensor(self._forward(model, x))
        with torch.no_grad():
            try:
                return self._per_sample(float(self.loss_fn(out, self._target(y, out.shape))), out)
            except (RuntimeError, ValueError, IndexError):
                return math.nan

    def _per_sample(self, value: float, out) -> float:
        """A loss value as the loss's own mean would give it: a loss summed over the batch
        (``reduction="sum"``) is divided by what the mean divides by (the samples for
        cross-entropy/NLL, every output value otherwise), so that it compares with the loss of
        a model that learned nothing whatever the batch size. Training uses the loss as given."""
        if not self.summed:
            return value
        n = out.shape[0] if self.loss_cls in (nn.CrossEntropyLoss, nn.NLLLoss) else out.numel()
        return value / max(int(n), 1)

    def perfect_prediction_loss(self, y: np.ndarray, output_shape: tuple) -> tuple[float, float]:
        y = np.asarray(y, dtype=np.float32)
        perfect = torch.as_tensor(y.reshape((len(y), *output_shape)))
        values = []
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the broadcasting UserWarning is what is measured
            for target in (self._target(y, perfect.shape), perfect.clone()):
                try:
                    values.append(self._per_sample(float(self.loss_fn(perfect, target)), perfect))
                except (RuntimeError, ValueError, IndexError):
                    values.append(math.nan)
        return values[0], values[1]

    def loss_value(self, x: np.ndarray, y: np.ndarray) -> float:
        with _modes_kept(self.model), _single_thread():
            self.model.eval()
            return self._loss_on(self.model, x, y)

    def state_fingerprint(self) -> dict:
        return {
            "state_dict": {k: v.detach().cpu().clone().numpy() for k, v in self.model.state_dict().items()},
            "modes": [m.training for m in self.model.modules()],
            "requires_grad": [p.requires_grad for p in self.model.parameters()],
            "grads": [None if p.grad is None else p.grad.detach().clone().numpy()
                      for p in self.model.parameters()],
            "torch_rng": torch.get_rng_state().numpy().copy(),
            "numpy_rng": np.random.get_state()[1].copy(),
            "python_rng": random.getstate(),
            "threads": torch.get_num_threads(),
        }

    def batch_gradient_norms(self, x: np.ndarray, y: np.ndarray, batch_size: int, n_batches: int,
                             seed: int) -> dict[str, list[float]]:
        """The gradient norm of every weight tensor (dim > 1) on ``n_batches`` random batches at
        the model's current weights, in training mode, computed on a copy (nothing moves)."""
        with _rng_kept(seed) as rng, _single_thread():
            model = copy.deepcopy(self.model)
            model.train()
            named = [(n, p) for n, p in model.named_parameters() if p.dim() > 1 and p.requires_grad]
            norms: dict[str, list[float]] = {n: [] for n, _ in named}
            for _ in range(n_batches):
                idx = rng.choice(len(x), size=min(batch_size, len(x)), replace=False)
                model.zero_grad(set_to_none=True)
                out = model(torch.as_tensor(x[idx]))
                loss = self.loss_fn(out, self._target(y[idx], out.shape))
                if not loss.requires_grad:
                    break
                loss.backward()
                for n, p in named:
                    norms[n].append(float(p.grad.norm()) if p.grad is not None else 0.0)
            return norms

    # -- training a copy -------------------------------------------------------------------
    def train_copy(self, spec: TrainSpec) -> RunRecord:
        with _rng_kept(spec.seed) as rng, _single_thread():
            return self._train(copy.deepcopy(self.model), spec, rng)

    def _train(self, model: nn.Module, spec: TrainSpec, rng: np.random.Generator) -> RunRecord:
        lr = spec.lr if spec.lr is not None else self.lr
        for p in model.parameters():
            p.grad = None
        if spec.reinit:
            self._reinit(model, rng)
        optimizer = self.make_optimizer(self._trained_params(model, spec), lr)
        dtype = next(model.parameters()).dtype
        x = torch.as_tensor(spec.x, dtype=dtype)
        record = RunRecord(lr_used=lr, epochs=spec.epochs, steps_per_epoch=spec.steps_per_epoch)
        named = [(n, p) for n, p in model.named_parameters() if p.dim() > 1]
        labels_train = _labels(spec.y, spec.task)
        labels_val = _labels(spec.y_val, spec.task)
        eval_at = set(spec.eval_epochs())
        probe_at = spec.probe_steps()
        grad_every = spec.grad_every()
        watch = divergence_watch(spec)
        start = time.perf_counter()
        self._evaluate(model, spec, record, 0, labels_train, labels_val)
        step = 0
        for epoch in range(1, spec.epochs + 1):
            model.train()
            order = rng.permutation(len(x)) if spec.shuffle else np.arange(len(x))
            epoch_losses, epoch_sizes = [], []
            for i in range(0, len(x), spec.batch_size):
                idx = order[i:i + spec.batch_size]
                if spec.record and step in probe_at:
                    record.probes.append(self._probe(model, spec, step))
                    model.train()
                if spec.lr_schedule is not None:
                    for group in optimizer.param_groups:
                        group["lr"] = scheduled_lr(spec, step)
                out = model(x[idx])
                loss = self.loss_fn(out, self._target(spec.y[idx], out.shape))
                if spec.clear_grads:
                    optimizer.zero_grad()
                if loss.requires_grad:  # not when every parameter is frozen or the graph detached
                    loss.backward()
                recording = spec.record and step % grad_every == 0
                if recording:
                    record.grad_steps.append(step)
                    before = {}
                    for n, p in named:
                        g = p.grad
                        record.grad_norm.setdefault(n, []).append(
                            float(g.norm()) if g is not None else 0.0)
                        before[n] = p.detach().clone()
                if spec.clip_norm is not None:
                    torch.nn.utils.clip_grad_norm_(model.parameters(), spec.clip_norm)
                optimizer.step()
                if recording:
                    for n, p in named:
                        record.update_ratio.setdefault(n, []).append(
                            update_ratio(before[n].numpy(), p.detach().numpy()))
                value = self._per_sample(float(loss.detach()), out)
                record.loss.append(value)
                record.lr.append(float(optimizer.param_groups[0]["lr"]))
                epoch_losses.append(value)
                epoch_sizes.append(len(idx))
                step += 1
                if watch is not None and watch.update(value, step - 1):
                    break
            record.epoch_train_loss.append(float(np.average(epoch_losses, weights=epoch_sizes)))
            if epoch in eval_at:
                self._evaluate(model, spec, record, epoch, labels_train, labels_val)
            stop = (watch and watch.reason) or stop_reason(spec, record, time.perf_counter() - start, epoch)
            if stop:
                record.stopped_early = stop
                if epoch not in eval_at:
                    self._evaluate(model, spec, record, epoch, labels_train, labels_val)
                break
        model.eval()
        record.final_val_outputs = self._forward(model, spec.x_val)
        record.final_train_outputs = self._forward(model, spec.x)
        record.final_weights = [_kernel(m) for m in model.modules() if isinstance(m, WEIGHTED)]
        record.seconds = time.perf_counter() - start
        return record

    def _trained_params(self, model: nn.Module, spec: TrainSpec) -> list:
        """The copy's parameters the user's optimizer would step: those with requires_grad and,
        for an optimizer instance, those it holds. If it holds none of them, it steps a
        stand-in tensor, as the user's steps parameters outside the model."""
        params = list(model.parameters())
        if spec.unfreeze:  # and the layers held in plain lists, which model.parameters() leaves out
            held = {id(p) for p in params}
            for _, module in _unregistered_modules(model):
                for p in module.parameters():  # once each: a shared layer must not be stepped twice
                    if id(p) not in held:
                        held.add(id(p))
                        params.append(p)
            for p in params:
                p.requires_grad_(True)
            return params
        covered = self._covered if self._covered is not None and len(self._covered) == len(params) \
            else [True] * len(params)
        chosen = [p for p, c in zip(params, covered) if c and p.requires_grad]
        return chosen or [torch.zeros(1, dtype=params[0].dtype if params else torch.float32,
                                      requires_grad=True)]

    def _reinit(self, model: nn.Module, rng: np.random.Generator) -> None:
        """Standard init for every dense/conv layer of the copy, zero biases; batch-norm layers
        start over (running mean 0, variance 1, identity affine)."""
        activation = {layer.name: layer.activation for layer in self.profile().layers}
        with torch.no_grad():
            for name, module in model.named_modules():
                if isinstance(module, WEIGHTED):
                    w = module.weight
                    fan_out, fan_in = w.shape[0], int(np.prod(w.shape[1:]))
                    kernel = standard_init(fan_in, fan_out, activation.get(name), rng)
                    w.copy_(torch.as_tensor(kernel.T.reshape(w.shape), dtype=w.dtype))
                    if module.bias is not None:
                        module.bias.zero_()
                elif isinstance(module, nn.modules.batchnorm._BatchNorm):
                    module.reset_parameters()  # running statistics and affine back to the start

    def _evaluate(self, model, spec, record, epoch, labels_train, labels_val):
        with _modes_kept(model):
            model.eval()
            profile = self.profile()
            out_train = self._forward(model, spec.x)
            out_val = self._forward(model, spec.x_val)
            record.eval_epochs.append(epoch)
            record.train_loss.append(self._loss_from_outputs(out_train, spec.y))
            record.val_loss.append(self._loss_from_outputs(out_val, spec.y_val))
            record.train_metric.append(score(out_train, spec.y, spec, profile, labels_train))
            record.val_metric.append(score(out_val, spec.y_val, spec, profile, labels_val))

    def _loss_from_outputs(self, outputs: np.ndarray, y: np.ndarray) -> float:
        out = torch.as_tensor(outputs)
        with torch.no_grad():
            try:
                return self._per_sample(float(self.loss_fn(out, self._target(y, out.shape))), out)
            except (RuntimeError, ValueError, IndexError):
                return math.nan

    def _probe(self, model, spec, step):
        captured, handles = {}, []
        for layer, (_, module) in zip(self.profile().layers, _leaf_modules(model)):
            if layer.kind in {"dense", "conv", "activation"}:
                activation = layer.activation if layer.kind == "activation" else None
                handles.append(module.register_forward_hook(
                    lambda m, i, o, name=layer.name, act=activation: captured.__setitem__(
                        name, (o.detach().float().numpy(), act))))
        try:
            with _modes_kept(model):
                model.eval()
                outputs = self._forward(model, spec.probe_x)
        finally:
            for h in handles:
                h.remove()
        return probe_snapshot(step, captured, outputs, spec, self.profile())


WEIGHTED = (nn.Linear, nn.modules.conv._ConvNd)


def _leaf_modules(model: nn.Module) -> list[tuple[str, nn.Module]]:
    """(display name, module) of every module without children, in registration order."""
    return [(name or type(m).__name__, m) for name, m in model.named_modules() if not list(m.children())]


_MODULE_INTERNALS = frozenset(vars(nn.Module()))


def _unregistered_modules(model: nn.Module) -> list[tuple[str, nn.Module]]:
    """(name, module) of layers with parameters that the model keeps in a plain list, tuple or
    dict attribute (``self.blocks = [nn.Linear(...), ...]``) instead of an ``nn.ModuleList`` /
    ``nn.ModuleDict``: ``model.parameters()`` and ``state_dict()`` leave them out."""
    registered = {id(p) for p in model.parameters()}
    found, seen = [], set()

    def visit(name: str, value, depth: int) -> None:
        if isinstance(value, nn.Module):
            own = [p for p in value.parameters() if id(p) not in registered]
            if own and id(value) not in seen:
                seen.add(id(value))
                found.append((name, value))
        elif depth < 2 and isinstance(value, (list, tuple)):
            for i, item in enumerate(value):
                visit(f"{name}[{i}]", item, depth + 1)
        elif depth < 2 and isinstance(value, dict):
            for key, item in value.items():
                visit(f"{name}[{key!r}]", item, depth + 1)

    for prefix, module in model.named_modules():
        for attr, value in vars(module).items():
            if attr not in _MODULE_INTERNALS and isinstance(value, (list, tuple, dict)):
                visit(f"{prefix}.{attr}" if prefix else attr, value, 0)
    return found


def _kernel(module: nn.Module) -> np.ndarray:
    """The weight as a (fan_in, units) numpy array, the orientation LayerInfo uses."""
    w = module.weight.detach().cpu().numpy()
    return w.reshape(w.shape[0], -1).T.copy()


def _labels(y, task):
    return decode_labels(y) if task == "classification" else None
