"""GD006: layers kept in a plain Python list are invisible to ``model.parameters()``."""

from __future__ import annotations

from .._base import Evidence, Rule, RuledOut, fmt_score
from .._measures import clearly_better, score_of

UNFREEZE = "unfreeze"


class UnregisteredLayers(Rule):
    """Flags PyTorch layers that the model keeps in a plain list, tuple or dict, so that no
    optimizer built from ``model.parameters()`` ever trains them.

    ## What it does
    Looks through the attributes of every module for lists, tuples and dicts that hold layers
    with parameters the model does not register (``self.blocks = [nn.Linear(...), ...]``).
    Such layers still run in the forward pass, but ``model.parameters()``, ``state_dict()``,
    ``.to(device)`` and ``.train()/.eval()`` skip them. A copy is then trained with those
    layers' parameters added to the optimizer (the `unfreeze` control): when it predicts
    clearly better than the recorded run, the unregistered layers are what held the model
    back, an error. Layers kept in a list on purpose (a frozen teacher or feature extractor
    hidden from the optimizer) train to no better result, and the rule stands aside.

    ## Why is this bad?
    The unregistered layers keep their random initial weights for the whole run: every input
    passes through fixed random projections before the trained layers see it. The loss still
    falls a little (the registered layers learn), so the training loop looks fine, but the
    model cannot fit the data and its predictions stay close to random.

    ## Example
    ```python
    class MLP(nn.Module):
        def __init__(self):
            super().__init__()
            self.blocks = [nn.Linear(16, 16) for _ in range(4)]   # a plain list
            self.head = nn.Linear(16, 2)
    optimizer = torch.optim.SGD(MLP().parameters(), lr=0.05)    # holds only the head
    ```

    ## Fix
    Keep layers in ``nn.ModuleList`` (or ``nn.ModuleDict``, ``nn.Sequential``), then build the
    optimizer over ``model.parameters()``. Safe: it only registers what the forward pass uses.
    """

    code = "GD006"
    cause = "parameters-not-updating"
    summary = "layers held in a plain Python list are left out of model.parameters() and never train"

    def wants(self, ev: Evidence) -> set[str]:
        return {UNFREEZE} if ev.model.extra.get("unregistered_layers") and ev.run is not None else set()

    def check(self, ev: Evidence):
        hidden = ev.model.extra.get("unregistered_layers") or []
        if not hidden:
            return None
        names = [layer["name"] for layer in hidden]
        size = sum(layer["params"] for layer in hidden)
        what = (f"The model keeps {len(names)} layer(s) with {size} parameters in a plain Python "
                f"container ({', '.join(names[:6])}{', ...' if len(names) > 6 else ''}): "
                "model.parameters() leaves them out, so an optimizer built from it never trains them")
        evidence = {"unregistered_layers": names, "unregistered_params": size,
                    "recorded_score": score_of(ev.trained_val, ev.task)}
        fix = "Hold the layers in nn.ModuleList (or nn.ModuleDict) and build the optimizer over model.parameters()."
        fix_code = "self.blocks = nn.ModuleList([nn.Linear(16, 16) for _ in range(4)])"
        control = ev.control_val.get(UNFREEZE)
        if ev.run is None or control is None:
            return self.finding("warning", 0.6, what + " (not confirmed: no copy with them trained was made).",
                                evidence, fix, fix_code)
        evidence["registered_score"] = score_of(control, ev.task)
        if not clearly_better(control, ev.trained_val, ev.task):
            return RuledOut(f"{what}, but training them too predicts no better "
                            f"({fmt_score(evidence['registered_score'], ev.task)} vs "
                            f"{fmt_score(evidence['recorded_score'], ev.task)}): left out on purpose, or harmless")
        return self.finding(
            "error", 0.95,
            f"{what}. They keep their random initial weights: the same training reaches "
            f"{fmt_score(evidence['recorded_score'], ev.task)}, and "
            f"{fmt_score(evidence['registered_score'], ev.task)} with those layers trained too.",
            evidence, fix, fix_code, confirmed_by=["recorded_run", UNFREEZE])
