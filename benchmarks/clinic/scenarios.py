"""The scenario list: (data set, framework, architecture, fault, seed), deterministic from a
master seed.

The full clinic runs every scored fault variant in every framework where it exists
(``per_variant`` instances each, on data sets rotated per cause so that each cause meets several
data sets), plus healthy controls making up ``HEALTHY_SHARE`` of the list, spread over every
healthy variant in both frameworks. The quick clinic is a fixed, stratified subset of that list:
one scenario per (cause, framework), rotating over the cause's variants, and enough healthy
controls to keep their share. Variants that need ``nndoctor run`` are listed, never run.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import asdict, dataclass

import numpy as np

from . import datasets as ds
from .faults import VARIANTS, Case, Variant, base_case

HEALTHY_SHARE = 0.30
QUICK_HEALTHY_SHARE = 0.27
MASTER_SEED = 2026
# which healthy controls the quick subset takes first once every variant has one per framework
QUICK_HEALTHY_ORDER = ("plain", "slow-fine-lr", "small-adequate", "noisy-learnable", "imbalanced-class-weights",
                       "minmax-inputs", "dropout-batchnorm", "cnn-digits")


@dataclass(frozen=True)
class Scenario:
    id: str
    cause: str  # the ground truth
    variant: str  # "cause/name"
    framework: str
    dataset: str
    arch: str  # "mlp" | "cnn"
    width: int
    depth: int
    head: str
    optimizer: str
    seed: int

    def to_dict(self) -> dict:
        return asdict(self)


def stable_int(*parts) -> int:
    """A seed from names, the same on every machine and Python (unlike hash())."""
    digest = hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()
    return int(digest[:8], 16)


def _flags(v: Variant) -> dict:
    if v.datasets == ds.BINARY:
        return {"binary": True}
    if v.datasets == ds.MULTICLASS:
        return {"multiclass": True}
    return {}


def _scenario(v: Variant, framework: str, dataset: str, index: int, master_seed: int) -> Scenario:
    seed = stable_int(master_seed, v.key, framework, dataset, index) % (2**31)
    rng = np.random.default_rng(seed)
    arch = "cnn" if dataset == "digits" and "cnn" in v.archs and (v.archs == ("cnn",) or rng.random() < 0.5) else "mlp"
    width, depth = int(rng.choice([16, 32, 64])), int(rng.choice([1, 2]))
    head, optimizer = str(rng.choice(["a", "b"])), str(rng.choice(["adam", "adam", "sgd"]))
    sid = f"{v.cause}.{v.name}.{framework}.{dataset}.{index}"
    return Scenario(sid, v.cause, v.key, framework, dataset, arch, width, depth, head, optimizer, seed)


def generate(master_seed: int = MASTER_SEED, per_variant: int = 1) -> list[Scenario]:
    """The full clinic's scenarios, faults first, then healthy controls."""
    faults, healthy_variants = [], []
    turn: dict[str, int] = {}  # per cause: rotates data sets over the cause's instances
    for key in sorted(VARIANTS):
        v = VARIANTS[key]
        if v.needs_run is not None:
            continue
        if v.cause == "healthy":
            healthy_variants.append(v)
            continue
        for framework in v.frameworks:
            for i in range(per_variant):
                k = stable_int(v.cause) + turn.get(v.cause, 0)
                turn[v.cause] = turn.get(v.cause, 0) + 1
                faults.append(_scenario(v, framework, v.datasets[k % len(v.datasets)], i, master_seed))
    n_healthy = math.ceil(HEALTHY_SHARE / (1 - HEALTHY_SHARE) * len(faults))
    healthy = []
    slots = [(v, fw) for v in healthy_variants for fw in v.frameworks]
    for j in range(n_healthy):
        v, framework = slots[j % len(slots)]
        i = j // len(slots)
        dataset = v.datasets[(stable_int(v.key, framework) + i) % len(v.datasets)]
        healthy.append(_scenario(v, framework, dataset, i, master_seed))
    return faults + healthy


def quick_subset(scenarios: list[Scenario]) -> list[Scenario]:
    """One scenario per (cause, framework), the variant rotating between the frameworks, plus
    healthy controls (every healthy variant, both frameworks) at `QUICK_HEALTHY_SHARE`."""
    by_pair: dict[tuple[str, str], list[Scenario]] = {}
    for s in scenarios:
        if s.cause != "healthy":
            by_pair.setdefault((s.cause, s.framework), []).append(s)
    picked = []
    for (cause, framework), group in sorted(by_pair.items()):
        group = sorted(group, key=lambda s: s.id)
        picked.append(group[(stable_int(cause) + (framework == "keras")) % len(group)])
    order = {name: i for i, name in enumerate(QUICK_HEALTHY_ORDER)}
    healthy = sorted((s for s in scenarios if s.cause == "healthy"),
                     key=lambda s: (int(s.id.rsplit(".", 1)[-1]), order.get(s.variant.split("/")[1], 99), s.id))
    n_healthy = math.ceil(QUICK_HEALTHY_SHARE / (1 - QUICK_HEALTHY_SHARE) * len(picked))
    return picked + healthy[:n_healthy]


def excluded() -> list[dict]:
    """Fault variants listed but not scored: they need ``nndoctor run`` (issue 4)."""
    return [{"variant": v.key, "cause": v.cause, "frameworks": list(v.frameworks), "why": v.needs_run,
             "what": v.doc}
            for v in (VARIANTS[k] for k in sorted(VARIANTS)) if v.needs_run is not None]


def build_case(s: Scenario) -> tuple[Case, Case]:
    """(the healthy base case, the faulty case) for a scenario."""
    v = VARIANTS[s.variant]
    kwargs = dict(width=s.width, depth=s.depth, head=s.head, optimizer=s.optimizer, arch_kind=s.arch, **_flags(v))
    base = base_case(s.framework, s.dataset, s.seed, **kwargs)
    case = base_case(s.framework, s.dataset, s.seed, **kwargs)
    v.apply(case)
    return base, case
