"""The committed mapping of the peers' messages to our cause ids.

Each rule: (peer, check or rule id, statuses it applies to, a regex on the message, the cause
ids the message names). The first matching rule wins; a message that names no cause of ours maps
to ``()`` (it still counts as a finding, and as a false alarm on a healthy run when it is a
failure). Where a message names several possible causes ("check the learning rate, the optimizer
and that targets match outputs"), it maps to all of them: the peer is credited with a hit when
the true cause is among them, and the table reports how many causes each peer names per
scenario so that vagueness stays visible.

Written from the peers' own documentation and source (torchtest2 0.1.0 ``checks.py``,
torch-audit 0.3.0 ``--list-rules`` and ``validators/builtin``), before any clinic run, and never
tuned to the clinic's outcome.
"""

from __future__ import annotations

import re

ANY = ".*"

# torchtest2: check name, statuses (FAIL / WARN), message regex -> causes
TORCHTEST2 = [
    ("forward", {"FAIL"}, ANY, ()),  # the model did not run: no cause named
    ("output_shape", {"FAIL"}, ANY, ("label-encoding-mismatch",)),
    ("output_finite", {"FAIL"}, ANY, ("nan-in-data", "exploding-gradients")),
    ("output_range", {"FAIL"}, ANY, ("output-activation-mismatch",)),
    ("output_varies", {"WARN"}, ANY, ("dead-relu", "shape-broadcast")),  # "collapsed activations or a broadcasting bug"
    ("eval_determinism", {"WARN"}, ANY, ("train-mode-at-inference",)),
    ("loss", {"FAIL"}, r"not connected|leaf tensor", ("parameters-not-updating",)),
    ("loss", {"FAIL"}, r"the loss is (nan|inf|-inf)", ("nan-in-data", "exploding-gradients")),
    ("loss", {"FAIL"}, r"computing the loss raised", ("label-encoding-mismatch",)),
    ("loss", {"FAIL"}, ANY, ()),
    ("initial_loss", {"WARN"}, r"much larger", ("bad-init-scale", "unscaled-inputs")),
    ("initial_loss", {"WARN"}, r"suspiciously low", ()),
    ("optimizer_coverage", {"FAIL", "WARN"}, ANY, ("parameters-not-updating",)),
    ("gradient_flow", {"FAIL"}, ANY, ("parameters-not-updating",)),
    ("gradient_flow", {"WARN"}, ANY, ("dead-relu",)),  # "all-zero gradient ... (dead ReLUs ...)"
    ("gradient_magnitude", {"FAIL", "WARN"}, ANY, ("exploding-gradients",)),
    ("params_change", {"FAIL"}, ANY, ("parameters-not-updating",)),
    ("params_change", {"WARN"}, r"vanishing", ("vanishing-gradients",)),
    ("params_change", {"WARN"}, ANY, ("dead-relu",)),
    ("frozen_params", {"FAIL", "WARN"}, ANY, ("parameters-not-updating",)),
    ("input_dependency", {"FAIL", "WARN"}, ANY, ()),  # "wrong slice/split, a variable reused"
    ("batch_independence", {"FAIL", "WARN"}, ANY, ()),  # batch mixing: no cause of ours
    ("overfit_batch", {"FAIL"}, r"became (nan|inf)|lr too high", ("lr-too-high",)),
    ("overfit_batch", {"FAIL"}, r"gradients became NaN", ("exploding-gradients",)),
    ("overfit_batch", {"FAIL"}, r"did not decrease",
     ("lr-too-high", "lr-too-low", "label-encoding-mismatch")),  # "check the learning rate ... targets match outputs"
    ("overfit_batch", {"WARN"}, ANY, ("capacity-bottleneck", "lr-too-low")),  # "may lack capacity, the lr may be too low"
]

# torch-audit: rule id, severities, message regex -> causes
TORCH_AUDIT = [
    ("TA100", {"ERROR", "FATAL", "WARN"}, ANY, ("exploding-gradients",)),  # NaN/Inf in a parameter or gradient
    ("TA102", {"ERROR", "FATAL", "WARN"}, ANY, ("exploding-gradients",)),
    ("TA103", {"ERROR", "FATAL", "WARN", "INFO"}, ANY, ("dead-relu",)),
    ("TA104", {"ERROR", "FATAL", "WARN"}, ANY, ("parameters-not-updating",)),
    ("TA105", {"ERROR", "FATAL", "WARN"}, ANY, ("dead-relu",)),
    ("TA301", {"ERROR", "FATAL", "WARN"}, ANY, ("unscaled-inputs",)),
    ("TA405", {"ERROR", "FATAL", "WARN"}, ANY, ("dead-relu",)),
    ("TA500", {"ERROR", "FATAL", "WARN"}, ANY, ("parameters-not-updating",)),
    # performance, layout, optimizer-config and architecture-style rules name none of our causes
    (r"TA\d+", {"ERROR", "FATAL", "WARN", "INFO"}, ANY, ()),
]

PEER_ERROR_LEVELS = {"torchtest2": {"FAIL"}, "torch-audit": {"ERROR", "FATAL"}}
"""Statuses that count as an error-severity finding (a false alarm on a healthy run)."""

PEER_ACTIONABLE_LEVELS = {"torchtest2": {"FAIL", "WARN"}, "torch-audit": {"ERROR", "FATAL", "WARN"}}
"""Statuses that count as naming a cause (the peers' analogue of our error + warning)."""


def map_message(peer: str, check: str, status: str, message: str) -> tuple[str, ...]:
    """The cause ids a peer's message names; () when it names none of ours."""
    table = TORCHTEST2 if peer == "torchtest2" else TORCH_AUDIT
    for name, statuses, pattern, causes in table:
        if re.fullmatch(name, check) and status in statuses and re.search(pattern, message, re.IGNORECASE):
            return causes
    return ()
