"""The overhead of `nndoctor run` and of live mode (issue 4's speed targets).

    .venv/bin/python -m benchmarks.bench_run [--repeats 3] [--out benchmarks/results/run_overhead.json]

* Capture: wall seconds of ``python script.py`` vs the same script run under nndoctor's recorder
  (``ScriptRecorder`` + ``execute``, no diagnosis), each in a fresh interpreter, for every
  gallery script; the median ratio is the target (at most 1.5x). The full ``nndoctor run``
  (capture + diagnosis, budget quick) is timed too.
* Live: a training loop's seconds with and without ``nndoctor.live_torch.watch`` and a Keras
  ``fit`` with and without ``DiagnosisCallback(diagnose_at_end=False)`` (target: at most 5%).

Timings belong here, never in tests. One thread per process (OMP_NUM_THREADS=1).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GALLERY = ROOT / "examples" / "gallery"
ENV = {**os.environ, "OMP_NUM_THREADS": "1", "TF_CPP_MIN_LOG_LEVEL": "3", "TF_NUM_INTRAOP_THREADS": "1",
       "TF_NUM_INTEROP_THREADS": "1"}
CAPTURE = ("import sys; from nndoctor.intercept.script import ScriptRecorder, execute\n"
           "with ScriptRecorder():\n    code, _ = execute(sys.argv[1], [])\n")


def _seconds(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, env=ENV, cwd=ROOT, capture_output=True, timeout=900)
    return time.perf_counter() - start


def capture_overhead(repeats: int) -> list[dict]:
    rows = []
    for script in sorted(GALLERY.glob("*.py")):
        plain = min(_seconds([sys.executable, str(script)]) for _ in range(repeats))
        captured = min(_seconds([sys.executable, "-c", CAPTURE, str(script)]) for _ in range(repeats))
        full = _seconds([sys.executable, "-m", "nndoctor.cli", "run", "--budget", "quick", str(script)])
        rows.append({"script": script.name, "plain_s": plain, "capture_s": captured, "full_run_s": full,
                     "capture_ratio": captured / plain, "full_ratio": full / plain})
        print(f"{script.name:36s} plain {plain:6.2f}s  capture {captured:6.2f}s ({captured / plain:4.2f}x)  "
              f"run {full:6.2f}s ({full / plain:4.2f}x)", flush=True)
    return rows


LIVE_TORCH = """
import sys, time, torch
from torch import nn
torch.set_num_threads(1); torch.manual_seed(0)
x, y = torch.randn(4096, 32), torch.randint(0, 4, (4096,))
def loop(watched):
    model = nn.Sequential(nn.Linear(32, 128), nn.ReLU(), nn.Linear(128, 128), nn.ReLU(), nn.Linear(128, 4))
    opt = torch.optim.Adam(model.parameters(), 1e-3); loss_fn = nn.CrossEntropyLoss()
    def train():
        for epoch in range(20):
            for i in range(0, 4096, 64):
                opt.zero_grad(); loss_fn(model(x[i:i + 64]), y[i:i + 64]).backward(); opt.step()
    start = time.perf_counter()
    if watched:
        from nndoctor.live_torch import watch
        import io
        with watch(model, opt, stream=io.StringIO()):
            train()
    else:
        train()
    return time.perf_counter() - start
loop(False); loop(True)  # warm-up
runs = [(loop(False), loop(True)) for _ in range({repeats})]  # interleaved: drifts hit both alike
print(min(p for p, _ in runs), min(w for _, w in runs))
"""

LIVE_KERAS = """
import io, time, numpy as np, keras
from nndoctor.live_keras import DiagnosisCallback
rng = np.random.default_rng(0)
x, y = rng.normal(size=(4096, 32)).astype("float32"), rng.integers(0, 4, 4096)
def fit(watched):
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((32,)), keras.layers.Dense(128, activation="relu"),
                              keras.layers.Dense(128, activation="relu"), keras.layers.Dense(4)])
    model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    callbacks = [DiagnosisCallback(diagnose_at_end=False, stream=io.StringIO())] if watched else []
    start = time.perf_counter()
    model.fit(x, y, epochs=15, batch_size=64, verbose=0, callbacks=callbacks)
    return time.perf_counter() - start
fit(False); fit(True)
runs = [(fit(False), fit(True)) for _ in range({repeats})]
print(min(p for p, _ in runs), min(w for _, w in runs))
"""


def live_overhead(repeats: int) -> dict:
    out = {}
    for name, code in (("torch watch", LIVE_TORCH), ("keras DiagnosisCallback", LIVE_KERAS)):
        done = subprocess.run([sys.executable, "-c", code.replace("{repeats}", str(repeats))], env=ENV,
                              cwd=ROOT, capture_output=True, text=True, timeout=900)
        try:
            plain, watched = map(float, done.stdout.split()[-2:])
        except ValueError:
            out[name] = {"error": done.stderr[-500:]}
            continue
        out[name] = {"plain_s": plain, "watched_s": watched, "overhead": watched / plain - 1}
        print(f"{name:26s} plain {plain:.2f}s  watched {watched:.2f}s  overhead {100 * (watched / plain - 1):+.1f}%",
              flush=True)
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "run_overhead.json"))
    args = parser.parse_args(argv)
    live = live_overhead(args.repeats)
    rows = capture_overhead(args.repeats)
    summary = {"median_capture_ratio": statistics.median(r["capture_ratio"] for r in rows),
               "median_full_run_ratio": statistics.median(r["full_ratio"] for r in rows)}
    Path(args.out).write_text(json.dumps({"date": time.strftime("%Y-%m-%d %H:%M"), "summary": summary,
                                          "live": live, "scripts": rows}, indent=1))
    print(f"run overhead: median capture {summary['median_capture_ratio']:.2f}x, full run "
          f"{summary['median_full_run_ratio']:.2f}x; live " +
          ", ".join(f"{k} {100 * v['overhead']:+.1f}%" for k, v in live.items() if "overhead" in v))
    return 0


if __name__ == "__main__":
    sys.exit(main())
