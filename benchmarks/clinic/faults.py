"""Fault variants: the different ways each cause of causes.md arises, one function each.

A variant takes a healthy `Case` (the user's data, network and training, drawn from the
scenario's seed) and turns it into the faulty one. Each is written from the cause's description
in causes.md (what is wrong), never from a rule's threshold: sizes, rates and scales are drawn
from wide ranges. ``frameworks`` lists where the fault exists; ``needs_run`` marks the ways a
fault arises that `diagnose()` cannot be handed (they live in the user's training script and
need ``nndoctor run``): those are listed in the clinic, never scored.

Healthy controls are variants too (cause ``healthy``), including the hard ones: noisy but
learnable data, a slow but fine LR, small but adequate data, imbalanced data with class weights.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from . import datasets as ds
from .datasets import Data
from .models import Arch, Setup

BOTH = ("torch", "keras")


@dataclass
class Case:
    """The user's situation: data, network, training. Faults edit it in place."""

    framework: str
    dataset: str
    data: Data
    arch: Arch
    setup: Setup
    seed: int
    rng: np.random.Generator
    head: str  # "a" | "b": which of two sound output/loss pairs the user picked
    load_flags: dict = field(default_factory=dict)  # {"binary": True} / {"multiclass": True}

    def reload(self, scaling: str = "standard", **params) -> None:
        """Replace the data by a fresh draw of the same data set with other parameters."""
        self.data = ds.prepared(self.dataset, self.seed, scaling=scaling, **{**self.load_flags, **params})
        fit_head(self)


@dataclass(frozen=True)
class Variant:
    cause: str
    name: str
    apply: Callable[[Case], None]
    frameworks: tuple[str, ...] = BOTH
    datasets: tuple[str, ...] = ds.CLASSIFICATION
    needs_run: str | None = None  # why diagnose() cannot be handed this fault
    archs: tuple[str, ...] = ("mlp",)
    doc: str = ""

    @property
    def key(self) -> str:
        return f"{self.cause}/{self.name}"


VARIANTS: dict[str, Variant] = {}


def variant(cause: str, name: str, *, frameworks=BOTH, datasets=ds.CLASSIFICATION, needs_run=None,
            archs=("mlp",)):
    def register(fn):
        v = Variant(cause, name, fn, tuple(frameworks), tuple(datasets), needs_run, tuple(archs),
                    " ".join((fn.__doc__ or "").split("\n\n")[0].split()))
        VARIANTS[v.key] = v
        return fn
    return register


# -- the healthy case ------------------------------------------------------------------------

def base_case(framework: str, dataset: str, seed: int, *, width: int, depth: int, head: str,
              optimizer: str, arch_kind: str = "mlp", binary: bool = False, multiclass: bool = False) -> Case:
    """What a careful user does: standardized data, a small network, a sound loss and optimizer,
    trained long enough (600-1200 steps)."""
    rng = np.random.default_rng(seed)
    flags = {"binary": True} if binary else ({"multiclass": True} if multiclass else {})
    data = ds.prepared(dataset, seed, scaling="standard", **flags)
    arch = Arch(kind=arch_kind, hidden=(width,) * depth, filters=int(rng.choice([4, 8])))
    if optimizer == "adam":
        setup = Setup(optimizer="adam", lr=float(rng.choice([1e-3, 2e-3, 3e-3])))
    else:
        setup = Setup(optimizer="sgd", lr=float(rng.choice([0.01, 0.03])), momentum=0.9)
    setup.steps = int(rng.integers(600, 1201))
    case = Case(framework, dataset, data, arch, setup, seed, rng, head, flags)
    fit_head(case)
    return case


def fit_head(case: Case) -> None:
    """A sound output layer and loss for the task, in the style the user picked."""
    data, arch, setup = case.data, case.arch, case.setup
    if data.task == "regression":
        arch.out_units, arch.out_activation, setup.loss = 1, None, "mse"
    elif data.n_classes == 2 and case.head == "b":
        arch.out_units = 1
        if case.framework == "torch":
            arch.out_activation, setup.loss = None, "bce_logits"
        else:
            arch.out_activation, setup.loss = "sigmoid", "bce_probs"
    else:
        arch.out_units = data.n_classes
        if case.framework == "keras" and case.head == "b":
            arch.out_activation, setup.loss = "softmax", "ce_probs"
        else:
            arch.out_activation, setup.loss = None, "ce_logits"


def _uniform(case: Case, low: float, high: float, log: bool = False) -> float:
    if log:
        return float(np.exp(case.rng.uniform(np.log(low), np.log(high))))
    return float(case.rng.uniform(low, high))


# == healthy controls =========================================================================

@variant("healthy", "plain", datasets=ds.ALL)
def healthy_plain(case: Case) -> None:
    """A careful user's set-up, trained to convergence."""


@variant("healthy", "cnn-digits", datasets=("digits",), archs=("cnn",))
def healthy_cnn(case: Case) -> None:
    """A small CNN on the 8x8 digits images."""


@variant("healthy", "noisy-learnable", datasets=("classification", "moons", "blobs"))
def healthy_noisy(case: Case) -> None:
    """Overlapping classes: the best possible accuracy is well below 100%, and the model gets it."""
    if case.dataset == "classification":
        case.reload(class_sep=_uniform(case, 0.4, 0.8), n_clusters_per_class=2, n_features=10, n_informative=4)
    elif case.dataset == "moons":
        case.reload(noise=_uniform(case, 0.3, 0.45))
    else:
        case.reload(cluster_std=_uniform(case, 2.5, 4.0), centers=3, n_features=2)


@variant("healthy", "slow-fine-lr", datasets=ds.ALL)
def healthy_slow_lr(case: Case) -> None:
    """A small LR (plain SGD 0.01-0.03, or Adam 2e-4-4e-4) with training long enough to converge."""
    if case.rng.random() < 0.5:
        case.setup.optimizer, case.setup.lr, case.setup.momentum = "sgd", _uniform(case, 0.01, 0.03), 0.0
    else:
        case.setup.optimizer, case.setup.lr = "adam", _uniform(case, 2e-4, 4e-4)
    case.setup.steps = int(case.rng.integers(3000, 4001))


@variant("healthy", "small-adequate", datasets=("iris", "blobs", "moons", "breast_cancer"))
def healthy_small(case: Case) -> None:
    """Few training samples (15-25 per class) on an easy task, with a validation set large enough to judge."""
    per_class = int(case.rng.integers(15, 26))
    x, y = ds.subsample(case.data.x_train, case.data.y_train, per_class, case.rng)
    case.data = case.data.copy(x_train=x, y_train=y)
    case.arch.hidden = (16,)


@variant("healthy", "imbalanced-class-weights", datasets=("classification", "breast_cancer", "blobs"))
def healthy_imbalanced(case: Case) -> None:
    """One class 8-15% of the data, separable, trained with class weights (torch: CrossEntropyLoss(weight);
    Keras: fit(class_weight), which diagnose() cannot be given: the trained model is handed over)."""
    share = _uniform(case, 0.08, 0.15)
    if case.dataset == "classification":
        case.reload(weights=[1 - share, share], class_sep=_uniform(case, 1.5, 2.0), binary=True)
    elif case.dataset == "blobs":
        case.reload(centers=2, cluster_std=1.0, scaling="standard")
    if case.dataset != "classification":
        _make_imbalanced(case, minority=1, share=share, both_splits=True)
    counts = np.bincount(case.data.y_train, minlength=case.data.n_classes).astype(float)
    case.setup.class_weight = {c: float(counts.sum() / (len(counts) * max(n, 1))) for c, n in enumerate(counts)}
    case.head = "a"
    fit_head(case)


@variant("healthy", "minmax-inputs", datasets=ds.CLASSIFICATION)
def healthy_minmax(case: Case) -> None:
    """Inputs scaled to [0, 1] instead of standardized: a sound choice too (it learns more
    slowly, so the user trains three times longer)."""
    case.reload(scaling="minmax")
    case.setup.steps *= 3


@variant("healthy", "dropout-batchnorm", datasets=ds.CLASSIFICATION)
def healthy_regularized(case: Case) -> None:
    """Dropout (0.1-0.3) and batch-norm used correctly (off / running statistics at prediction)."""
    case.arch.dropout = _uniform(case, 0.1, 0.3)
    case.arch.batchnorm = "hidden"
    case.arch.hidden = (max(case.arch.hidden[0], 32),) * len(case.arch.hidden)


# == undertrained =============================================================================

@variant("undertrained", "never-trained", datasets=ds.ALL, archs=("mlp", "cnn"))
def never_trained(case: Case) -> None:
    """The model is used straight after construction (the seed's first snippet)."""
    case.setup.steps = 0


@variant("undertrained", "stopped-early", datasets=ds.ALL)
def stopped_early(case: Case) -> None:
    """Training stopped after a handful of steps (a stray break, epochs=1 on tiny batches)."""
    case.setup.steps = int(case.rng.integers(2, 8))
    case.setup.lr = min(case.setup.lr, 1e-3)


# == init ====================================================================================

@variant("symmetric-init", "zero-init")
def zero_init(case: Case) -> None:
    """Every weight and bias starts at zero; the units of a layer stay clones."""
    case.arch.init = ("zeros",)
    case.arch.hidden = (case.arch.hidden[0],) * 2


@variant("symmetric-init", "constant-init", datasets=ds.ALL)
def constant_init(case: Case) -> None:
    """Every kernel starts at the same constant (0.01-0.5): the hidden units stay identical."""
    case.arch.init = ("constant", _uniform(case, 0.01, 0.5, log=True))


@variant("bad-init-scale", "init-too-large", datasets=ds.ALL)
def init_too_large(case: Case) -> None:
    """Kernels drawn N(0, 2-10): pre-activations explode with depth, the loss at init is enormous."""
    case.arch.init = ("normal", _uniform(case, 2.0, 10.0))
    case.arch.hidden = (case.arch.hidden[0],) * 3


@variant("bad-init-scale", "init-too-small")
def init_too_small(case: Case) -> None:
    """Kernels drawn N(0, 1e-4-1e-3) in a 5-layer net trained with SGD: the signal vanishes layer by layer."""
    case.arch.init = ("normal", _uniform(case, 1e-4, 1e-3, log=True))
    case.arch.hidden = (case.arch.hidden[0],) * 5
    case.arch.activation = str(case.rng.choice(["relu", "tanh"]))
    case.setup.optimizer, case.setup.lr, case.setup.momentum = "sgd", _uniform(case, 0.01, 0.05), 0.9


# == learning rate ===========================================================================

@variant("lr-too-high", "adam-huge", datasets=ds.ALL)
def adam_huge(case: Case) -> None:
    """Adam at 0.3-1.0 (the default is 1e-3)."""
    case.setup.optimizer, case.setup.lr = "adam", _uniform(case, 0.3, 1.0)


@variant("lr-too-high", "sgd-huge", datasets=ds.ALL)
def sgd_huge(case: Case) -> None:
    """SGD with momentum 0.9 at 2-10."""
    case.setup.optimizer, case.setup.lr, case.setup.momentum = "sgd", _uniform(case, 2.0, 10.0), 0.9


@variant("lr-too-low", "adam-tiny", datasets=ds.ALL)
def adam_tiny(case: Case) -> None:
    """Adam at 1e-6-5e-6 for the usual number of steps."""
    case.setup.optimizer, case.setup.lr = "adam", _uniform(case, 1e-6, 5e-6, log=True)


@variant("lr-too-low", "sgd-tiny", datasets=ds.ALL)
def sgd_tiny(case: Case) -> None:
    """Plain SGD at 1e-5-1e-4 for the usual number of steps."""
    case.setup.optimizer, case.setup.lr, case.setup.momentum = "sgd", _uniform(case, 1e-5, 1e-4, log=True), 0.0


# == gradients ===============================================================================

@variant("exploding-gradients", "tied-recurrent", datasets=ds.ALL)
def tied_recurrent(case: Case) -> None:
    """One linear layer applied 8-12 times with shared weights (an unrolled RNN) of gain 1.5-2:
    the gradient grows geometrically with the number of applications."""
    case.arch.kind = "tied"
    case.arch.hidden = (case.arch.hidden[0],)
    case.arch.tied_repeats = int(case.rng.integers(8, 13))
    case.arch.tied_gain = _uniform(case, 1.5, 2.0)
    case.setup.optimizer, case.setup.lr, case.setup.momentum = "sgd", _uniform(case, 0.01, 0.05), 0.9


@variant("exploding-gradients", "deep-relu-sgd", datasets=ds.ALL)
def deep_relu_sgd(case: Case) -> None:
    """An 8-10 layer ReLU net without normalization, He init times 1.5, SGD with momentum: gradient
    norms grow until the weights go NaN."""
    case.arch.hidden = (case.arch.hidden[0],) * int(case.rng.integers(8, 11))
    case.arch.init = ("he", 1.5)
    case.setup.optimizer, case.setup.lr, case.setup.momentum = "sgd", _uniform(case, 0.05, 0.2), 0.9


@variant("vanishing-gradients", "deep-sigmoid")
def deep_sigmoid(case: Case) -> None:
    """8-10 sigmoid layers trained with plain SGD: the early layers get almost no gradient."""
    case.arch.activation = "sigmoid"
    case.arch.hidden = (case.arch.hidden[0],) * int(case.rng.integers(8, 11))
    case.setup.optimizer, case.setup.lr, case.setup.momentum = "sgd", _uniform(case, 0.01, 0.1), 0.0


@variant("vanishing-gradients", "deep-narrow-tanh")
def deep_narrow_tanh(case: Case) -> None:
    """12-16 narrow (8-unit) tanh layers with a small-gain init, plain SGD."""
    case.arch.activation = "tanh"
    case.arch.hidden = (8,) * int(case.rng.integers(12, 17))
    case.arch.init = ("he", 0.35)
    case.setup.optimizer, case.setup.lr, case.setup.momentum = "sgd", _uniform(case, 0.01, 0.05), 0.0


@variant("dead-relu", "negative-bias", datasets=ds.ALL)
def negative_bias(case: Case) -> None:
    """Hidden biases start at -4 to -10 on standardized inputs: almost every ReLU outputs zero."""
    case.arch.hidden_bias = -_uniform(case, 4.0, 10.0)


@variant("dead-relu", "negative-weights", datasets=ds.CLASSIFICATION)
def negative_weights(case: Case) -> None:
    """Non-negative inputs (scaled to [0, 1]) into a first layer whose weights are all negative:
    every first-layer ReLU is zero for every input."""
    case.reload(scaling="minmax")
    case.arch.first_init = ("uniform", -_uniform(case, 0.3, 1.0), -0.01)
    case.arch.hidden_bias = 0.0


@variant("parameters-not-updating", "frozen-all", datasets=ds.ALL)
def frozen_all(case: Case) -> None:
    """Every layer frozen (trainable=False / requires_grad=False) before training."""
    case.arch.frozen = True


@variant("parameters-not-updating", "lr-zero", datasets=ds.ALL)
def lr_zero(case: Case) -> None:
    """The optimizer is built with learning rate 0 (a schedule that starts at 0, a typo)."""
    case.setup.lr = 0.0


@variant("parameters-not-updating", "step-never-called", frameworks=("torch",),
         needs_run="optimizer.step() is missing from the user's loop; diagnose() trains its copy with its own loop")
def step_never_called(case: Case) -> None:
    """The loop computes loss.backward() but never optimizer.step()."""


@variant("parameters-not-updating", "optimizer-over-other-params", frameworks=("torch",),
         needs_run="the optimizer instance holds another model's parameters; diagnose() rebuilds it over this model")
def optimizer_other_params(case: Case) -> None:
    """The optimizer was built for an earlier instance of the model."""


@variant("gradient-accumulation", "no-zero-grad", frameworks=("torch",), datasets=ds.ALL)
def no_zero_grad(case: Case) -> None:
    """The user's SGD loop never calls zero_grad(): gradients add up step after step, so the
    effective step grows (handed over trained)."""
    case.setup.loop = "no-zero-grad"
    _tutorial_sgd(case)


@variant("gradient-accumulation", "zero-grad-per-epoch", frameworks=("torch",), datasets=ds.ALL)
def zero_grad_per_epoch(case: Case) -> None:
    """zero_grad() sits in the epoch loop instead of the batch loop of an SGD loop (handed over trained)."""
    case.setup.loop = "zero-grad-per-epoch"
    _tutorial_sgd(case)


def _tutorial_sgd(case: Case) -> None:
    """SGD as tutorials write it (Adam would normalize the growing sum away)."""
    case.setup.optimizer, case.setup.lr = "sgd", _uniform(case, 0.01, 0.05)
    case.setup.momentum = float(case.rng.choice([0.0, 0.9]))


@variant("gradient-accumulation", "no-zero-grad-observed", frameworks=("torch",),
         needs_run="the growing effective step shows only while watching the user's own loop")
def no_zero_grad_observed(case: Case) -> None:
    """The same loop, watched while it runs."""


# == output / loss / labels ==================================================================

@variant("output-activation-mismatch", "softmax-into-logits-loss", datasets=ds.MULTICLASS)
def softmax_into_logits_loss(case: Case) -> None:
    """A softmax output fed to a loss that applies softmax itself (torch CrossEntropyLoss;
    Keras from_logits=True)."""
    case.arch.out_activation, case.setup.loss = "softmax", "ce_logits"
    case.arch.out_units = case.data.n_classes


@variant("output-activation-mismatch", "softmax-one-unit", datasets=ds.BINARY)
def softmax_one_unit(case: Case) -> None:
    """A binary task with Dense(1) + softmax and binary cross-entropy: the output is always 1.0."""
    case.arch.out_units, case.arch.out_activation, case.setup.loss = 1, "softmax", "bce_probs"


@variant("output-activation-mismatch", "sigmoid-into-logits-loss", datasets=ds.BINARY)
def sigmoid_into_logits_loss(case: Case) -> None:
    """A sigmoid output fed to a loss that applies the sigmoid itself (BCEWithLogitsLoss;
    BinaryCrossentropy(from_logits=True))."""
    case.arch.out_units, case.arch.out_activation, case.setup.loss = 1, "sigmoid", "bce_logits"


@variant("wrong-loss-for-task", "mse-on-class-labels", datasets=ds.MULTICLASS)
def mse_on_class_labels(case: Case) -> None:
    """Class indices 0..C-1 regressed with MSE through one linear unit."""
    case.arch.out_units, case.arch.out_activation, case.setup.loss = 1, None, "mse"
    case.data = case.data.copy(y_train=case.data.y_train.astype(np.float32).reshape(-1, 1),
                               y_val=case.data.y_val.astype(np.float32).reshape(-1, 1))


@variant("wrong-loss-for-task", "bce-on-continuous-target", datasets=ds.REGRESSION)
def bce_on_continuous(case: Case) -> None:
    """A regression target trained with binary cross-entropy through a sigmoid unit."""
    case.arch.out_units, case.arch.out_activation, case.setup.loss = 1, "sigmoid", "bce_probs"


@variant("label-encoding-mismatch", "labels-one-based", datasets=ds.MULTICLASS)
def labels_one_based(case: Case) -> None:
    """Labels 1..C (as read from a file) for an output layer of C units."""
    case.data = case.data.copy(y_train=case.data.y_train + 1, y_val=case.data.y_val + 1)


@variant("label-encoding-mismatch", "too-few-output-units", datasets=ds.MULTICLASS)
def too_few_units(case: Case) -> None:
    """C classes but C-1 output units (the count was off by one)."""
    case.arch.out_units = case.data.n_classes - 1


@variant("label-encoding-mismatch", "plus-minus-one", datasets=ds.BINARY)
def plus_minus_one(case: Case) -> None:
    """Binary labels encoded -1/+1 (SVM style) for a sigmoid/BCE output."""
    case.head = "b"
    fit_head(case)
    case.data = case.data.copy(y_train=2 * case.data.y_train - 1, y_val=2 * case.data.y_val - 1)


@variant("label-encoding-mismatch", "onehot-into-sparse-loss", frameworks=("keras",), datasets=ds.MULTICLASS)
def onehot_into_sparse(case: Case) -> None:
    """One-hot labels given to a sparse (integer-label) cross-entropy."""
    eye = np.eye(case.data.n_classes, dtype=np.float32)
    case.data = case.data.copy(y_train=eye[case.data.y_train], y_val=eye[case.data.y_val])


@variant("shape-broadcast", "mse-n1-against-n", frameworks=("torch",), datasets=ds.REGRESSION)
def mse_broadcast(case: Case) -> None:
    """Output [N, 1] against a target [N] in MSELoss: the loss broadcasts to [N, N]. (Keras
    squeezes the target itself, so the fault does not exist there.)"""
    case.data = case.data.copy(y_train=case.data.y_train.reshape(-1), y_val=case.data.y_val.reshape(-1))


@variant("shape-broadcast", "l1-n1-against-n", frameworks=("torch",), datasets=ds.REGRESSION)
def l1_broadcast(case: Case) -> None:
    """Output [N, 1] against a target [N] in L1Loss / HuberLoss."""
    case.setup.loss = str(case.rng.choice(["l1", "huber"]))
    case.data = case.data.copy(y_train=case.data.y_train.reshape(-1), y_val=case.data.y_val.reshape(-1))


# == data ====================================================================================

@variant("unscaled-inputs", "raw-real-features", datasets=ds.RAW_SCALES)
def raw_real_features(case: Case) -> None:
    """The real data set's raw features (values from 0.01 to thousands), never standardized."""
    case.reload(scaling="raw")


@variant("unscaled-inputs", "offset-and-scale", datasets=("moons", "circles", "blobs", "classification", "regression"))
def offset_and_scale(case: Case) -> None:
    """Features measured in other units: multiplied by 100-1000 and shifted by 1000-5000."""
    scale, offset = _uniform(case, 100, 1000, log=True), _uniform(case, 1000, 5000)
    case.data = case.data.copy(x_train=case.data.x_train * scale + offset, x_val=case.data.x_val * scale + offset)


@variant("unscaled-inputs", "mixed-scales", datasets=("classification", "blobs", "iris", "digits", "regression", "friedman"))
def mixed_scales(case: Case) -> None:
    """Each feature in its own unit: columns multiplied by 10^U(-1, 4)."""
    factors = (10.0 ** case.rng.uniform(-1, 4, size=case.data.x_train.shape[1])).astype(np.float32)
    case.data = case.data.copy(x_train=case.data.x_train * factors, x_val=case.data.x_val * factors)


@variant("unscaled-targets", "targets-in-thousands", datasets=ds.REGRESSION)
def targets_large(case: Case) -> None:
    """Regression targets in raw units with a spread of 1e3-1e5 (prices, counts)."""
    scale = _uniform(case, 1e3, 1e5, log=True)
    case.data = case.data.copy(y_train=case.data.y_train * scale, y_val=case.data.y_val * scale)


@variant("unscaled-targets", "targets-far-offset", datasets=ds.REGRESSION)
def targets_offset(case: Case) -> None:
    """Targets around 1e3-1e4 with a spread of ~10 (a temperature in kelvin times ten)."""
    offset, scale = _uniform(case, 1e3, 1e4, log=True), _uniform(case, 5, 20)
    case.data = case.data.copy(y_train=case.data.y_train * scale + offset, y_val=case.data.y_val * scale + offset)


@variant("preprocessing-mismatch", "validation-not-standardized", datasets=("wine", "breast_cancer", "digits", "iris"))
def val_not_standardized(case: Case) -> None:
    """Trained on standardized features, evaluated on raw ones (the scaler was not applied)."""
    raw = ds.prepared(case.dataset, case.seed, scaling="raw")
    case.data = case.data.copy(x_val=raw.x_val)


@variant("preprocessing-mismatch", "validation-columns-permuted",
         datasets=("wine", "breast_cancer", "digits", "classification", "regression", "friedman"))
def val_columns_permuted(case: Case) -> None:
    """The evaluation file has its columns in another order."""
    order = case.rng.permutation(case.data.x_val.shape[1])
    case.data = case.data.copy(x_val=case.data.x_val[:, order])


@variant("nan-in-data", "nan-in-features", datasets=ds.ALL)
def nan_in_features(case: Case) -> None:
    """1-10% of the training feature values are NaN (missing values read as NaN)."""
    x = case.data.x_train.copy()
    x[case.rng.random(x.shape) < _uniform(case, 0.01, 0.1)] = np.nan
    case.data = case.data.copy(x_train=x)


@variant("nan-in-data", "inf-in-features", datasets=ds.ALL)
def inf_in_features(case: Case) -> None:
    """A few training rows hold +-inf (a division by zero in feature engineering)."""
    x = case.data.x_train.copy()
    rows = case.rng.choice(len(x), size=max(1, int(len(x) * _uniform(case, 0.005, 0.03))), replace=False)
    x[rows, case.rng.integers(0, x.shape[1], size=len(rows))] = np.inf * case.rng.choice([-1, 1], size=len(rows))
    case.data = case.data.copy(x_train=x)


@variant("nan-in-data", "nan-in-targets", datasets=ds.REGRESSION)
def nan_in_targets(case: Case) -> None:
    """2-10% of the regression targets are NaN."""
    y = case.data.y_train.copy()
    y[case.rng.random(len(y)) < _uniform(case, 0.02, 0.1)] = np.nan
    case.data = case.data.copy(y_train=y)


@variant("sorted-data-split", "validation-is-last-classes")
def val_last_classes(case: Case) -> None:
    """Data sorted by label and split in order: the validation set is the last class(es), which
    training never sees."""
    x, y, task, n_classes = ds.load(case.dataset, case.seed, **case.load_flags)
    order = np.argsort(y, kind="stable")
    n_val = int(round(_uniform(case, 0.2, 0.3) * len(y)))
    data = ds.Data(case.dataset, task, n_classes, x[order][:-n_val], y[order][:-n_val], x[order][-n_val:],
                   y[order][-n_val:], case.data.image_shape)
    case.data = ds.standardized(data)


@variant("sorted-data-split", "sorted-batches", datasets=("breast_cancer", "moons", "circles", "iris", "wine"))
def sorted_batches(case: Case) -> None:
    """Training data sorted by label and fed without shuffling: every batch holds one class, and
    each epoch ends on long runs of the last class."""
    order = np.argsort(case.data.y_train, kind="stable")
    case.data = case.data.copy(x_train=case.data.x_train[order], y_train=case.data.y_train[order])
    case.setup.loop = "no-shuffle"


@variant("no-signal", "shuffled-labels", datasets=ds.CLASSIFICATION)
def shuffled_labels(case: Case) -> None:
    """Labels shuffled independently of the features (a misaligned join): no relation remains."""
    case.data = case.data.copy(y_train=case.rng.permutation(case.data.y_train),
                               y_val=case.rng.permutation(case.data.y_val))


@variant("no-signal", "noise-data", datasets=("classification", "blobs", "regression", "digits"))
def noise_data(case: Case) -> None:
    """Truly unpredictable data: features and labels drawn independently."""
    d = case.data
    x_train = case.rng.normal(size=d.x_train.shape).astype(np.float32)
    x_val = case.rng.normal(size=d.x_val.shape).astype(np.float32)
    if d.task == "regression":
        y_train = case.rng.normal(size=d.y_train.shape).astype(np.float32)
        y_val = case.rng.normal(size=d.y_val.shape).astype(np.float32)
    else:
        y_train = case.rng.integers(0, d.n_classes, size=len(d.y_train))
        y_val = case.rng.integers(0, d.n_classes, size=len(d.y_val))
    case.data = d.copy(x_train=x_train, y_train=y_train, x_val=x_val, y_val=y_val)


@variant("train-mode-at-inference", "dropout-always-on", datasets=ds.CLASSIFICATION)
def dropout_always_on(case: Case) -> None:
    """Dropout 0.3-0.6 that stays on at prediction (torch F.dropout with its default
    training=True; a Keras layer whose call ignores `training`)."""
    case.arch.dropout = _uniform(case, 0.3, 0.6)
    case.arch.dropout_always_on = True
    case.arch.hidden = (max(case.arch.hidden[0], 32),) * len(case.arch.hidden)


@variant("train-mode-at-inference", "batchnorm-stats-never-updated", datasets=("wine", "breast_cancer", "digits", "blobs"))
def bn_stats_frozen(case: Case) -> None:
    """Batch-norm on raw inputs whose running statistics never update (momentum 0 in torch,
    1.0 in Keras): training normalizes per batch, prediction uses mean 0 / variance 1."""
    case.reload(scaling="raw")
    if case.dataset == "blobs":
        case.data = case.data.copy(x_train=case.data.x_train * 50 + 200, x_val=case.data.x_val * 50 + 200)
    case.arch.batchnorm, case.arch.bn_stats_frozen = "input", True


@variant("train-mode-at-inference", "eval-forgotten", frameworks=("torch",),
         needs_run="model.eval() is missing where the user predicts; diagnose() predicts in eval mode itself")
def eval_forgotten(case: Case) -> None:
    """Predictions made without model.eval(): dropout and batch-norm in training mode."""


@variant("class-imbalance", "rare-positive", datasets=("classification", "breast_cancer"))
def rare_positive(case: Case) -> None:
    """A binary task where the positive class is 2-6% of the data and hard to separate."""
    share = _uniform(case, 0.02, 0.06)
    if case.dataset == "classification":
        case.reload(weights=[1 - share, share], class_sep=_uniform(case, 0.3, 0.6), binary=True,
                    n_informative=2, n_clusters_per_class=2, n_samples=int(case.rng.integers(800, 1500)))
    else:
        _make_imbalanced(case, minority=0, share=share, both_splits=True)
        fit_head(case)


@variant("class-imbalance", "one-dominant-class", datasets=("digits", "wine", "blobs", "classification"))
def one_dominant(case: Case) -> None:
    """A multi-class task where one class is 85-95% of the samples."""
    if case.dataset == "blobs":
        case.reload(cluster_std=_uniform(case, 2.5, 4.0), centers=3)
    elif case.dataset == "classification":
        case.reload(class_sep=_uniform(case, 0.4, 0.8), multiclass=True)
    share = _uniform(case, 0.85, 0.95)
    d = case.data
    counts = np.bincount(d.y_train)
    major = int(case.rng.integers(0, d.n_classes))
    minor_total = counts[major] * (1 - share) / share
    per_class = {c: (counts[c] if c == major else max(2, int(minor_total / (d.n_classes - 1))))
                 for c in range(d.n_classes)}
    x, y = ds.subsample(d.x_train, d.y_train, per_class, case.rng)
    val_counts = np.bincount(d.y_val, minlength=d.n_classes)
    minor_val = val_counts[major] * (1 - share) / share / (d.n_classes - 1)
    xv, yv = ds.subsample(d.x_val, d.y_val, {c: (val_counts[c] if c == major else max(1, int(minor_val)))
                                              for c in range(d.n_classes)}, case.rng)
    case.data = d.copy(x_train=x, y_train=y, x_val=xv, y_val=yv)


def _make_imbalanced(case: Case, minority: int, share: float, both_splits: bool) -> None:
    d = case.data
    keep_major = int(np.sum(d.y_train != minority))
    n_minor = max(3, int(keep_major * share / (1 - share)))
    per = {c: (n_minor if c == minority else 10**9) for c in range(d.n_classes)}
    x, y = ds.subsample(d.x_train, d.y_train, per, case.rng)
    changes = {"x_train": x, "y_train": y}
    if both_splits:
        per_val = {c: (max(2, int(np.sum(d.y_val != minority) * share / (1 - share))) if c == minority else 10**9)
                   for c in range(d.n_classes)}
        changes["x_val"], changes["y_val"] = ds.subsample(d.x_val, d.y_val, per_val, case.rng)
    case.data = d.copy(**changes)


@variant("label-noise", "uniform-noise", datasets=ds.CLASSIFICATION)
def uniform_noise(case: Case) -> None:
    """30-45% of the labels (training and validation) replaced by a random class."""
    rate = _uniform(case, 0.3, 0.45)
    case.data = case.data.copy(y_train=_noisy(case, case.data.y_train, rate), y_val=_noisy(case, case.data.y_val, rate))


@variant("label-noise", "pair-flip", datasets=ds.CLASSIFICATION)
def pair_flip(case: Case) -> None:
    """Annotators confuse class k with k+1: 25-40% of each class carries the next class's label."""
    rate = _uniform(case, 0.25, 0.4)
    n = case.data.n_classes

    def flip(y):
        y = y.copy()
        hit = case.rng.random(len(y)) < rate
        y[hit] = (y[hit] + 1) % n
        return y
    case.data = case.data.copy(y_train=flip(case.data.y_train), y_val=flip(case.data.y_val))


def _noisy(case: Case, y: np.ndarray, rate: float) -> np.ndarray:
    y = y.copy()
    hit = case.rng.random(len(y)) < rate
    y[hit] = case.rng.integers(0, case.data.n_classes, size=int(hit.sum()))
    return y


@variant("too-little-data", "few-per-class", datasets=("digits", "wine", "breast_cancer", "classification", "blobs"))
def few_per_class(case: Case) -> None:
    """Only 2-6 training samples per class; the validation set stays large."""
    x, y = ds.subsample(case.data.x_train, case.data.y_train, int(case.rng.integers(2, 7)), case.rng)
    case.data = case.data.copy(x_train=x, y_train=y)


@variant("too-little-data", "many-features-few-samples", datasets=("classification",))
def many_features_few_samples(case: Case) -> None:
    """100-300 features, 20-40 training samples, a validation set of hundreds."""
    n_train = int(case.rng.integers(20, 41))
    case.reload(n_features=int(case.rng.integers(100, 301)), n_informative=10, n_samples=n_train + 400,
                class_sep=1.0, val_fraction=400 / (n_train + 400))


@variant("overfitting", "memorize-noise-features", datasets=("classification",))
def memorize_noise(case: Case) -> None:
    """150-300 samples with 100-200 features of which 3-5 carry signal; a 256-wide, 2-layer net
    trained for 1500 steps (200+ epochs) without regularization."""
    n = int(case.rng.integers(150, 301))
    case.reload(n_samples=n, n_features=int(case.rng.integers(100, 201)), n_informative=int(case.rng.integers(3, 6)),
                class_sep=_uniform(case, 0.6, 1.0), flip_y=0.05)
    case.arch.hidden = (256, 256)
    case.setup.optimizer, case.setup.lr, case.setup.steps = "adam", 1e-3, 1500


@variant("overfitting", "noise-columns-appended", datasets=("wine", "breast_cancer", "iris", "digits"))
def noise_columns(case: Case) -> None:
    """A small real data set (40-80 training samples) with 200-400 random columns appended, a
    512-wide net trained for 1500 steps."""
    d = case.data
    x, y = ds.subsample(d.x_train, d.y_train, max(2, int(case.rng.integers(40, 81)) // d.n_classes), case.rng)
    k = int(case.rng.integers(200, 401))
    noise = lambda n: case.rng.normal(size=(n, k)).astype(np.float32) * 3  # noqa: E731
    case.data = d.copy(x_train=np.hstack([x, noise(len(x))]), y_train=y,
                       x_val=np.hstack([d.x_val, noise(len(d.x_val))]), image_shape=None)
    case.arch.hidden = (512,)
    case.setup.optimizer, case.setup.lr, case.setup.steps = "adam", 1e-3, 1500


@variant("capacity-bottleneck", "width-one-layer", datasets=("digits", "classification"))
def width_one(case: Case) -> None:
    """A hidden layer of width 1 between two normal ones: all information passes through one
    number (on data whose classes no single direction separates)."""
    if case.dataset == "classification":
        case.reload(multiclass=True, n_classes=int(case.rng.integers(4, 6)), n_clusters_per_class=2)
    w = case.arch.hidden[0]
    case.arch.hidden = (w, 1, w)


@variant("capacity-bottleneck", "linear-model-on-rings", datasets=("circles", "moons"))
def linear_on_rings(case: Case) -> None:
    """No hidden layer (logistic regression) on data whose classes are not linearly separable."""
    if case.dataset == "moons":
        case.reload(noise=0.05)
    case.arch.hidden = ()


@variant("wrong-metric", "accuracy-on-regression", frameworks=("keras",), datasets=ds.REGRESSION)
def accuracy_on_regression(case: Case) -> None:
    """compile(metrics=["accuracy"]) on a regression: the reported accuracy is ~0 while the fit is good."""
    case.setup.metrics = ("accuracy",)


@variant("wrong-metric", "binary-accuracy-on-regression", frameworks=("keras",), datasets=ds.REGRESSION)
def binary_accuracy_regression(case: Case) -> None:
    """compile(metrics=["binary_accuracy"]) on a regression: outputs thresholded at 0.5 and
    compared with continuous targets."""
    case.setup.metrics = ("binary_accuracy",)


@variant("wrong-metric", "accuracy-computed-by-hand", frameworks=("torch",),
         needs_run="a PyTorch user computes the metric in the script; diagnose() never sees it")
def torch_metric(case: Case) -> None:
    """(output.round() == y).mean() on continuous targets, in the user's evaluation code."""


@variant("unreliable-evaluation", "tiny-validation", datasets=ds.CLASSIFICATION)
def tiny_validation(case: Case) -> None:
    """The validation set holds 2-8 samples."""
    k = int(case.rng.integers(2, 9))
    idx = case.rng.choice(len(case.data.y_val), size=k, replace=False)
    case.data = case.data.copy(x_val=case.data.x_val[idx], y_val=case.data.y_val[idx])


@variant("unreliable-evaluation", "duplicated-validation", datasets=ds.CLASSIFICATION)
def duplicated_validation(case: Case) -> None:
    """4-6 validation samples, each repeated 20-40 times (a copy-paste of one small file)."""
    k, reps = int(case.rng.integers(4, 7)), int(case.rng.integers(20, 41))
    idx = np.tile(case.rng.choice(len(case.data.y_val), size=k, replace=False), reps)
    case.data = case.data.copy(x_val=case.data.x_val[idx], y_val=case.data.y_val[idx])


def scored(v: Variant) -> bool:
    return v.needs_run is None
