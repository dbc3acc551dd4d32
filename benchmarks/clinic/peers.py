"""The peers, run on the same PyTorch scenarios in the same harness.

- torchtest2 0.1.0: ``check_model(model, x_batch, y_batch, loss_fn=..., optimizer=...)`` on one
  training batch of the user's batch size, with the user's loss and optimizer.
- torch-audit 0.3.0: ``audit_dynamic`` around a plain training loop of `AUDIT_STEPS` steps with
  the user's loss, optimizer and batch size (static and init audits included, every 10 steps).

Each gets a deep copy of the user's (model, optimizer) pair, so neither can change what the
others see. Their raw messages are stored; `score` maps them to cause ids through
`peer_mapping` (committed, not tuned), so a mapping change needs no rerun.
Install them with ``pip install -c constraints.txt -e ".[bench]"``; a peer that is missing or
raises is recorded as such, never faked.
"""

from __future__ import annotations

import copy
import time
import traceback

import numpy as np

AUDIT_STEPS = 100


def run_peers(model, loss, optimizer, x, y, setup, seed: int) -> dict:
    return {"torchtest2": _guarded(_torchtest2, model, loss, optimizer, x, y, setup, seed),
            "torch-audit": _guarded(_torch_audit, model, loss, optimizer, x, y, setup, seed)}


def _guarded(fn, model, loss, optimizer, x, y, setup, seed) -> dict:
    start = time.perf_counter()
    try:
        model_copy, opt_copy = copy.deepcopy((model, optimizer))  # the optimizer keeps pointing at its model
        findings, version = fn(model_copy, loss, opt_copy, x, y, setup, seed)
        return {"status": "ran", "version": version, "findings": findings,
                "seconds": time.perf_counter() - start}
    except ImportError as exc:
        return {"status": "not-installed", "error": str(exc)}
    except Exception as exc:  # noqa: BLE001 - a peer that raises is a result, recorded
        return {"status": "raised", "error": f"{type(exc).__name__}: {str(exc)[:300]}",
                "trace": traceback.format_exc(limit=3), "seconds": time.perf_counter() - start}


def _batch(x, y, loss, model, rows):
    import torch
    from .models import torch_target
    xb = torch.as_tensor(np.asarray(x)[rows], dtype=torch.float32)
    with torch.no_grad():
        model.eval()
        shape = model(xb).shape
    return xb, torch_target(loss, np.asarray(y)[rows], shape)


def _torchtest2(model, loss, optimizer, x, y, setup, seed):
    import torchtest2

    rows = np.random.default_rng(seed).permutation(len(x))[:setup.batch_size]
    xb, yb = _batch(x, y, loss, model, rows)
    report = torchtest2.check_model(model, xb, yb, loss_fn=loss, optimizer=optimizer, seed=seed % 10_000)
    findings = []
    for result in report:
        status = result.status.value if hasattr(result.status, "value") else str(result.status)
        if status in {"FAIL", "WARN"}:
            findings.append({"check": result.name, "status": status, "message": result.message[:300]})
    return findings, torchtest2.__version__


def _torch_audit(model, loss, optimizer, x, y, setup, seed):
    import torch
    import torch_audit
    from torch_audit import audit_dynamic
    from .models import torch_target

    generator = torch.Generator().manual_seed(seed)
    xt = torch.as_tensor(np.asarray(x), dtype=torch.float32)
    model.train()
    step = 0
    with audit_dynamic(model, optimizer=optimizer, every_n_steps=10, suppress_internal_errors=True) as auditor:
        while step < AUDIT_STEPS:
            order = torch.randperm(len(xt), generator=generator)
            for i in range(0, len(xt), setup.batch_size):
                idx = order[i:i + setup.batch_size]
                optimizer.zero_grad()
                out = auditor.forward(xt[idx])
                auditor.backward(loss(out, torch_target(loss, np.asarray(y)[idx.numpy()], out.shape)))
                auditor.optimizer_step()
                step += 1
                if step >= AUDIT_STEPS:
                    break
    result = auditor.finish()
    findings, seen = [], set()
    for f in result.findings:
        severity = f.severity.value if hasattr(f.severity, "value") else str(f.severity)
        key = (f.rule_id, severity, f.message)
        if key in seen:
            continue
        seen.add(key)
        findings.append({"check": f.rule_id, "status": severity, "message": f.message[:300]})
    return findings[:40], torch_audit.__version__
