"""The clinic's command line.

    python -m benchmarks.clinic [--quick] [--rerun] [--jobs N] [--limit N] [--budget B]
                                [--only TEXT] [--no-peers] [--list]

Runs the scenarios in parallel (joblib/loky, one thread per worker), caches every finished
scenario as a JSON line under benchmarks/results/cache/, scores, writes
benchmarks/results/latest.json (and quick.json / full.json), updates docs/benchmark.md and ends
with the line ``clinic: top1 X% top3 Y% false-alarms Z% median-ratio R``.

Resuming: a scenario already in the cache is not rerun unless ``--rerun``. The nndoctor cache
file is keyed by the nndoctor version, the budget, a hash of src/nndoctor and a hash of the
clinic's scenario code, so any change to either reruns everything; the peers' cache is keyed by
the clinic's code and the peers' versions only. Scoring, the peer mapping and the rendering are
applied afresh to cached results on every run.
"""

from __future__ import annotations

from .runner import limit_threads

limit_threads()  # before anything imports a framework; loky workers inherit the environment

import argparse  # noqa: E402
import datetime  # noqa: E402
import hashlib  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import shlex  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from importlib import metadata  # noqa: E402
from pathlib import Path  # noqa: E402

from . import render, scenarios, score  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "benchmarks" / "results"
CACHE = RESULTS / "cache"
SCENARIO_CODE = ("datasets.py", "faults.py", "models.py", "scenarios.py", "runner.py", "torch_nets.py",
                 "keras_layers.py")
PEERS = ("torchtest2", "torch-audit")


def tree_hash(paths) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def src_hash() -> str:
    src = ROOT / "src" / "nndoctor"
    return tree_hash(p for p in src.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


def clinic_hash(extra=()) -> str:
    here = Path(__file__).parent
    return tree_hash([here / name for name in (*SCENARIO_CODE, *extra)])


def peer_versions() -> dict:
    versions = {}
    for name in PEERS:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import os
    return f"{cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}, Python {platform.python_version()}"


def load_cache(path: Path) -> dict[str, dict]:
    entries = {}
    if path.exists():
        for line in path.read_text().splitlines():
            if line.strip():
                try:
                    record = json.loads(line)
                except json.JSONDecodeError:  # a line cut by an interrupted run
                    continue
                entries[record["id"]] = record
    return entries


def append(path: Path, record: dict) -> None:
    with path.open("a") as f:
        f.write(json.dumps(record, default=_jsonable) + "\n")


def _jsonable(value):
    if hasattr(value, "item"):
        return value.item()
    if hasattr(value, "tolist"):
        return value.tolist()
    return str(value)


def _collect(jobs, total, nd_cache, nd_path, peer_cache, peer_path) -> None:
    """Cache each finished scenario as it arrives (that is what makes a run resumable)."""
    for i, record in enumerate(jobs, 1):
        peers = record.pop("peers", None)
        if peers is not None:
            peer_cache[record["id"]] = {"id": record["id"], "peers": peers}
            append(peer_path, peer_cache[record["id"]])
        if "nndoctor" in record or "harness_error" in record:
            nd_cache[record["id"]] = record
            append(nd_path, record)
        n = record.get("nndoctor") or {}
        answer = n.get("primary_cause") or n.get("status") or record.get("harness_error", "")[:60]
        mark = "ok " if answer == record["scenario"]["cause"] else "   "
        print(f"[{i:3d}/{total}] {mark}{record['id']:64s} -> {answer} ({n.get('seconds', 0):.1f}s)", flush=True)


def parse_budget(text: str):
    try:
        return float(text)
    except ValueError:
        return text


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.clinic", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="the stratified quick subset (every cause, both frameworks)")
    parser.add_argument("--rerun", action="store_true", help="rerun scenarios already in the cache")
    parser.add_argument("--jobs", type=int, default=2, help="parallel workers (default 2)")
    parser.add_argument("--limit", type=int, default=None, help="only the first N scenarios (development)")
    parser.add_argument("--only", default=None, help="only scenarios whose id contains this text")
    parser.add_argument("--budget", default=None, help="diagnose() budget: quick | standard | thorough | seconds "
                        "(default: standard, the budget users get by default)")
    parser.add_argument("--no-peers", action="store_true", help="skip torchtest2 and torch-audit")
    parser.add_argument("--no-docs", action="store_true", help="do not update docs/benchmark.md")
    parser.add_argument("--list", action="store_true", help="list the scenarios and exclusions, run nothing")
    parser.add_argument("--rescore", metavar="CACHE_FILE", default=None,
                        help="score an existing nndoctor cache file (e.g. of an earlier src/), run nothing")
    args = parser.parse_args(argv)

    mode = "quick" if args.quick else "full"
    chosen = scenarios.generate()
    if args.quick:
        chosen = scenarios.quick_subset(chosen)
    if args.only:
        chosen = [s for s in chosen if args.only in s.id]
    if args.limit:
        chosen = chosen[:args.limit]
    if args.list:
        for s in chosen:
            print(f"{s.id:70s} seed={s.seed} arch={s.arch} width={s.width} depth={s.depth}")
        for e in scenarios.excluded():
            print(f"excluded {e['variant']} ({'/'.join(e['frameworks'])}): {e['why']}")
        return 0

    # both use the default budget: the quick one's 10 s clock cuts Keras diagnoses short on
    # 2 cores (17 of 73 in the quick subset on 2026-11-27), which is not what users get
    budget = parse_budget(args.budget or "standard")
    import nndoctor
    versions = peer_versions()
    use_peers = not args.no_peers and any(versions.values())
    CACHE.mkdir(parents=True, exist_ok=True)
    measured_src = src_hash()
    nd_path = CACHE / f"nndoctor-{nndoctor.__version__}-{budget}-{measured_src[:12]}-{clinic_hash()[:8]}.jsonl"
    if args.rescore:
        nd_path = Path(args.rescore)
        measured_src = nd_path.stem.rsplit("-", 2)[1]  # nndoctor-<version>-<budget>-<src>-<clinic>
    peer_key = "-".join(f"{k}{v}" for k, v in versions.items() if v)
    peer_path = CACHE / f"peers-{peer_key}-{clinic_hash(('peers.py',))[:8]}.jsonl"
    nd_cache, peer_cache = load_cache(nd_path), load_cache(peer_path) if use_peers else {}

    todo = []
    for s in chosen:
        need_nd = args.rerun or s.id not in nd_cache
        need_peers = use_peers and s.framework == "torch" and (args.rerun or s.id not in peer_cache)
        if (need_nd or need_peers) and not args.rescore:
            todo.append((s, need_nd, need_peers))
    print(f"clinic ({mode}): {len(chosen)} scenarios, {len(chosen) - len(todo)} cached, {len(todo)} to run "
          f"with {args.jobs} workers, budget {budget}; cache {nd_path.name}", flush=True)

    started = time.perf_counter()
    if todo:
        from joblib import Parallel, delayed

        from .runner import run_scenario
        jobs = Parallel(n_jobs=args.jobs, backend="loky", return_as="generator_unordered")(
            delayed(run_scenario)(s.to_dict(), budget, nndoctor=nd, peers=pe) for s, nd, pe in todo)
        try:
            _collect(jobs, len(todo), nd_cache, nd_path, peer_cache, peer_path)
        except Exception as exc:  # noqa: BLE001 - a dead worker ends the run, not the scoring
            print(f"clinic: the run stopped early ({type(exc).__name__}: {exc}); scoring what is cached. "
                  "Run again to resume.", flush=True)

    records = []
    for s in chosen:
        if s.id not in nd_cache:
            continue
        record = dict(nd_cache[s.id])
        if s.id in peer_cache:
            record["peers"] = peer_cache[s.id]["peers"]
        records.append(record)
    summary = score.summarize(records)
    cpu_total = sum(r.get("cpu_seconds") or 0.0 for r in records)
    scenario_wall = sum(r.get("wall_seconds") or 0.0 for r in records)
    src_changed = None if args.rescore else src_hash() != measured_src  # unknown for a rescore
    if src_changed:
        print("clinic: src/nndoctor changed while the clinic ran: later scenarios measured newer code", flush=True)
    invoked = "python -m benchmarks.clinic " + shlex.join(sys.argv[1:] if argv is None else argv)
    command = invoked if (args.limit or args.only) else ("make bench-quick" if args.quick else "make bench")
    run_date = datetime.datetime.now()
    if args.rescore:  # the scenarios ran when the cache file was last written
        command = f"{command}; rescored from its cache: {invoked}"
        run_date = datetime.datetime.fromtimestamp(nd_path.stat().st_mtime)
    result = {
        "meta": {"mode": mode, "date": run_date.strftime("%Y-%m-%d %H:%M"), "machine": machine(),
                 "command": command,
                 "budget": str(budget), "jobs": args.jobs, "nndoctor_version": nndoctor.__version__,
                 "src_hash": measured_src, "src_changed_during_run": src_changed,
                 "clinic_hash": clinic_hash(), "peer_versions": versions,
                 "wall_seconds": time.perf_counter() - started, "ran_now": len(todo),
                 "scenarios_chosen": len(chosen),
                 # kept with each cached scenario, so a rescored run still knows what the runs cost
                 "scenario_wall_seconds_total": scenario_wall, "cpu_seconds_total": cpu_total},
        "summary": summary,
        "excluded": scenarios.excluded(),
    }
    text = json.dumps(result, indent=1, default=_jsonable)
    (RESULTS / "latest.json").write_text(text)
    if not (args.limit or args.only):
        (RESULTS / f"{mode}.json").write_text(text)
        if not args.no_docs:
            render.update_docs(ROOT / "docs" / "benchmark.md", mode, render.markdown(result))
            render.update_docs(ROOT / "docs" / "benchmark.md", "variants", render.variants_markdown())
    print()
    print(render.markdown(result))
    print()
    print(score.last_line(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
