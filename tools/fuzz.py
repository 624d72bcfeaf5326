"""Long fuzz runs of the loaders and the analysis (the suite runs the same cases with fixed seeds).

    python tools/fuzz.py --minutes 15                      # hypothesis, random seeds
    python tools/fuzz.py --engine atheris --minutes 15     # coverage-guided (pip install atheris)
    python tools/fuzz.py --minutes 20 --record             # and write the numbers to docs/FUZZING.md

Each case is a real corpus graph mutated at the protobuf wire level and at the graph level, put on
disk as a GraphDef, a .meta, a checkpoint directory or a SavedModel, then loaded, inspected,
pre-checked and rendered (tests/fuzzing.py). Anything but a TfscoutError is a failure; a case over
its time limit is a hang; a dead process is a crash. The engine runs in a child process: after a crash
it is started again until the time is up. Failures go to OUT/failures/<signature>/ with case.json and
data.bin, the layout of tests/fuzz_regressions/. At the end: inputs tried, failures, hangs, crashes.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import time
import traceback
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

STATS_EVERY = 10
CASE_SECONDS = 60.0
LIBFUZZER_TIMEOUT_EXIT = 70


# ---------------------------------------------------------------------------------------------
# The child: run cases, record failures, keep a stats file


class Recorder:
    def __init__(self, out: Path, deadline: float, case_seconds: float | None) -> None:
        self.out = out
        self.deadline = deadline
        self.case_seconds = case_seconds
        self.stats = {"inputs": 0, "ok": 0, "our_errors": 0, "failures": 0, "hangs": 0}
        self.signatures: set[str] = {p.name for p in (out / "failures").glob("*")}
        self.work = out / "work"

    def run(self, case: Any) -> None:
        from tests.fuzzing import Hang, check_case

        self._save_current(case)
        try:
            outcome = check_case(case, self.work, self.case_seconds)
        except Hang:
            self.stats["hangs"] += 1
            self._failure(case, "Hang", traceback.format_exc())
        except Exception as exc:  # noqa: BLE001 - every other exception is what we look for
            self.stats["failures"] += 1
            self._failure(case, type(exc).__name__, traceback.format_exc())
        else:
            self.stats["ok" if outcome == "ok" else "our_errors"] += 1
        self.stats["inputs"] += 1
        if self.stats["inputs"] % STATS_EVERY == 0:
            self.write_stats()

    def _save_current(self, case: Any) -> None:
        (self.out / "current.bin").write_bytes(case.data)
        (self.out / "current.json").write_text(json.dumps(case_json(case)))

    def _failure(self, case: Any, kind: str, text: str) -> None:
        frames = [line.strip() for line in text.splitlines() if line.strip().startswith('File "') and
                  "/tfscout/" in line]
        where = frames[-1] if frames else text.splitlines()[-1]
        signature = hashlib.sha1(f"{kind} {where}".encode()).hexdigest()[:12]
        if signature in self.signatures:
            return
        self.signatures.add(signature)
        folder = self.out / "failures" / signature
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "data.bin").write_bytes(case.data)
        (folder / "case.json").write_text(json.dumps(case_json(case), indent=1))
        (folder / "traceback.txt").write_text(text)
        print(f"fuzz: new failure {signature}: {kind} at {where}", file=sys.stderr, flush=True)

    def write_stats(self) -> None:
        (self.out / "stats.json").write_text(json.dumps(self.stats))

    @property
    def time_up(self) -> bool:
        return time.time() >= self.deadline


def case_json(case: Any) -> dict[str, Any]:
    return {"seed": case.seed.name, "container": case.container, "mutations": case.mutations,
            "inputs": case.inputs, "outputs": case.outputs}


class StopFuzzing(Exception):
    pass


def child_hypothesis(rec: Recorder) -> None:
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import strategies as st

    from tests.fuzzing import draw_case

    class DataChooser:
        def __init__(self, data: Any) -> None:
            self.data = data

        def int(self, lo: int, hi: int) -> int:
            return self.data.draw(st.integers(lo, hi))

        def bytes(self, max_len: int) -> bytes:
            return self.data.draw(st.binary(max_size=max_len))

    @settings(max_examples=10**9, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(data=st.data())
    def one(data: Any) -> None:
        if rec.time_up:
            raise StopFuzzing
        rec.run(draw_case(DataChooser(data)))

    while not rec.time_up:
        try:
            one()
        except StopFuzzing:
            break
        except Exception:  # noqa: BLE001 - hypothesis itself gave up (e.g. too many filtered draws): go on
            continue


def child_atheris(rec: Recorder, seconds: int) -> None:
    import atheris

    with atheris.instrument_imports(include=["tfscout", "tests"]):
        import tests.fuzzing as fuzzing
        import tfscout.inspector  # noqa: F401 - instrumented: the package imports all of the inspector

    class FdpChooser:
        def __init__(self, fdp: Any) -> None:
            self.fdp = fdp

        def int(self, lo: int, hi: int) -> int:
            return int(self.fdp.ConsumeIntInRange(lo, hi))

        def bytes(self, max_len: int) -> bytes:
            return bytes(self.fdp.ConsumeBytes(self.fdp.ConsumeIntInRange(0, max_len)))

    def one(data: bytes) -> None:
        rec.run(fuzzing.draw_case(FdpChooser(atheris.FuzzedDataProvider(data))))

    corpus = rec.out / "atheris-corpus"
    corpus.mkdir(exist_ok=True)
    atheris.Setup([sys.argv[0], f"-max_total_time={seconds}", f"-timeout={int(CASE_SECONDS)}", "-rss_limit_mb=4096",
                   f"-artifact_prefix={rec.out}/", str(corpus)], one)
    atheris.Fuzz()


def child_main(args: argparse.Namespace) -> int:
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    # libFuzzer keeps its own SIGALRM timer (-timeout): no second one under atheris.
    rec = Recorder(out, args.deadline, None if args.engine == "atheris" else CASE_SECONDS)
    rec.write_stats()
    try:
        if args.engine == "atheris":
            child_atheris(rec, max(1, int(args.deadline - time.time())))
        else:
            child_hypothesis(rec)
    finally:
        rec.write_stats()
    return 0


# ---------------------------------------------------------------------------------------------
# The parent: start the engine, start it again after a crash, add up


def parent_main(args: argparse.Namespace) -> int:
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    deadline = time.time() + args.minutes * 60
    totals = {"inputs": 0, "ok": 0, "our_errors": 0, "failures": 0, "hangs": 0, "crashes": 0, "runs": 0}
    while time.time() < deadline - 5:
        (out / "stats.json").unlink(missing_ok=True)
        proc = subprocess.run([sys.executable, __file__, "--child", "--engine", args.engine, "--out", str(out),
                               "--deadline", str(deadline)], cwd=ROOT, check=False,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
        totals["runs"] += 1
        try:
            stats = json.loads((out / "stats.json").read_text())
        except (OSError, ValueError):
            stats = {}
        for key, value in stats.items():
            totals[key] = totals.get(key, 0) + value
        if proc.returncode == LIBFUZZER_TIMEOUT_EXIT and args.engine == "atheris":
            totals["hangs"] += 1
            crash = out / "hangs" / f"hang_{totals['hangs']}"
        elif proc.returncode != 0:
            totals["crashes"] += 1
            crash = out / "crashes" / f"crash_{totals['crashes']}"
        if proc.returncode != 0:
            crash.mkdir(parents=True, exist_ok=True)
            for name in ("current.bin", "current.json"):
                if (out / name).exists():
                    (out / name).replace(crash / name.replace("current", "case" if name.endswith("json") else "data"))
            print(f"fuzz: the engine died (exit {proc.returncode}); last case saved in {crash}", file=sys.stderr)
    failures = sorted(p.name for p in (out / "failures").glob("*")) if (out / "failures").is_dir() else []
    lines = [
        f"engine: {args.engine}; {args.minutes:g} minutes; {totals['runs']} engine run(s)",
        f"inputs tried: {totals['inputs']}  (report or our error: {totals['ok']} reports, "
        f"{totals['our_errors']} one-line errors)",
        f"failures (exceptions other than TfscoutError): {totals['failures']}  hangs: {totals['hangs']}  "
        f"crashes: {totals['crashes']}",
        f"distinct findings saved in {out / 'failures'}: {len(failures)} ({', '.join(failures) or 'none'})",
    ]
    print("\n".join(lines))
    (out / "summary.json").write_text(json.dumps({**totals, "engine": args.engine, "minutes": args.minutes,
                                                  "findings": failures}, indent=1))
    if args.record:
        record(args, totals, failures)
    return 1 if failures or totals["crashes"] or totals["hangs"] else 0


def record(args: argparse.Namespace, totals: dict[str, int], failures: list[str]) -> None:
    """Write this run's numbers to docs/FUZZING.md (one section per engine)."""
    from bench.docsections import machine_description, write_section

    text = "\n".join([
        f"## {args.engine}, {args.minutes:g} minutes",
        "",
        f"`python tools/fuzz.py --engine {args.engine} --minutes {args.minutes:g} --record`",
        "",
        "| inputs tried | reports | one-line errors | other exceptions | hangs | crashes | new findings |",
        "|---|---|---|---|---|---|---|",
        f"| {totals['inputs']:,} | {totals['ok']:,} | {totals['our_errors']:,} | {totals['failures']} | "
        f"{totals['hangs']} | {totals['crashes']} | {', '.join(failures) or 'none'} |",
        "",
        f"Measured on {machine_description()}.",
    ])
    write_section("FUZZING.md", f"fuzz-{args.engine}", text, title="Fuzzing")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", choices=("hypothesis", "atheris"), default="hypothesis")
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--out", default="/tmp/tfscout-fuzz", help="where findings and the work files go")
    parser.add_argument("--record", action="store_true", help="write the numbers to docs/FUZZING.md")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--deadline", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    return child_main(args) if args.child else parent_main(args)


if __name__ == "__main__":
    raise SystemExit(main())
