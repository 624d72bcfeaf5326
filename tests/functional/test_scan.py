"""``tfscout scan DIR``: every model of a folder once, by content; resumable; broken files are rows.

Runs the installed console script, as a user would, except for the worker pool's crash and hang
tests, which drive :class:`tfscout.procs.WorkerPool` directly.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CORPUS, ROOT, interruptible, run_tfscout, tfscout_executable

pytestmark = pytest.mark.timeout(180)


def expected_row(entry: dict[str, Any]) -> tuple[str, str]:
    """Where a manifest entry's model is and which format it is, from the manifest's own facts."""
    path = entry["id"] if entry["model_path"] == "." else f"{entry['id']}/{entry['model_path']}"
    has_data = any(f.endswith(".index") or "-of-" in f for f in entry["files"])
    fmt = {"frozen_pb": "graphdef", "pbtxt": "graphdef_text", "saved_model_tf1": "saved_model",
           "meta_ckpt": "checkpoint" if has_data else "metagraph"}[entry["format"]]
    return path, fmt


def scan(*args: str, timeout: float = 170) -> Any:
    return run_tfscout("scan", *args, timeout=timeout)


def rows_by_path(result: Any) -> dict[str, dict[str, Any]]:
    assert result.returncode == 0, result.stderr
    rows = result.json()
    paths = [r["path"] for r in rows]
    assert len(paths) == len(set(paths)), "a model appears twice"
    return {r["path"]: r for r in rows}


# ---------------------------------------------------------------------------------------------
# The corpus


@pytest.fixture(scope="module")
def corpus_scan(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    state = tmp_path_factory.mktemp("scan") / "state.jsonl"
    result = scan(str(CORPUS), "--json", "-j", "2", "--state", str(state), "--restart")
    return {"result": result, "state": state}


def test_every_corpus_model_appears_once_with_its_format(corpus_scan: dict[str, Any], manifest: list[dict]) -> None:
    rows = rows_by_path(corpus_scan["result"])
    expected = dict(expected_row(e) for e in manifest)
    assert sorted(rows) == sorted(expected), "rows must be exactly the manifest's models"
    for path, fmt in expected.items():
        assert rows[path]["format"] == fmt, path
        assert rows[path]["error"] is None, rows[path]["error"]
        assert rows[path]["nodes"] > 0 and rows[path]["outputs"], path
        assert rows[path]["opset"] is not None
    assert not (CORPUS / ".tfscout-scan.jsonl").exists(), "--state must keep the corpus folder untouched"


def test_rows_agree_with_inspect(corpus_scan: dict[str, Any]) -> None:
    rows = rows_by_path(corpus_scan["result"])
    for path in ("tfnet_kmeans_meta/kmeans.meta", "tfx_taxi_transform_fn", "tf2onnx_regression_ckpt/model.meta"):
        report = run_tfscout("inspect", "--json", str(CORPUS / path)).json()
        row = rows[path]
        assert row["nodes"] == report["nodes"]
        assert row["inputs"] == [c["name"] for c in report["inputs"] if c["recommended"]]
        assert row["outputs"] == [c["name"] for c in report["outputs"] if c["recommended"]]
        assert row["blocking"] == sorted({u["op"] for u in report["unsupported"]
                                          if u["status"] not in ("supported", "conditional")})
        assert row["unsafe"] == [u["op"] for u in report["unsafe_ops"]]
        assert row["opset"] == report["opset"]["recommended"]


def test_csv_and_text_have_the_same_rows(corpus_scan: dict[str, Any], tmp_path: Path) -> None:
    state = corpus_scan["state"]
    rows = rows_by_path(corpus_scan["result"])
    as_csv = scan(str(CORPUS), "--csv", "--state", str(state))
    assert as_csv.returncode == 0, as_csv.stderr
    parsed = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert [r["path"] for r in parsed] == sorted(rows)
    for r in parsed:
        assert r["format"] == rows[r["path"]]["format"]
        assert int(r["size"]) == rows[r["path"]]["size"]
        assert r["outputs"].split() == rows[r["path"]]["outputs"]
    assert f"{len(rows)} reused" in as_csv.stderr, "an unchanged folder is not inspected again"
    text = scan(str(CORPUS), "--state", str(state))
    assert text.returncode == 0
    for path in rows:
        assert any(line.startswith(path + " ") for line in text.stdout.splitlines()), path
    assert f"{len(rows)} models:" in text.stdout
    assert "\r" not in text.stderr, "no progress bar when stderr is not a terminal"


def test_progress_bar_on_a_terminal(tmp_path: Path) -> None:
    folder = tmp_path / "models"
    shutil.copytree(CORPUS / "tf2onnx_regression_frozen", folder / "a")
    shutil.copytree(CORPUS / "rust_multiplication", folder / "b")
    master, slave = os.openpty()
    try:
        proc = subprocess.run([tfscout_executable(), "scan", str(folder), "--json"], stdout=subprocess.PIPE,
                              stderr=slave, timeout=60, check=False)
        os.close(slave)
        seen = b""
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
    finally:
        os.close(master)
    assert proc.returncode == 0
    assert b"2/2" in seen and b"[" in seen and b"\r" in seen
    assert len(json.loads(proc.stdout)) == 2


# ---------------------------------------------------------------------------------------------
# Layout: checkpoints and SavedModels once, broken files as rows, other files ignored


def test_checkpoints_and_saved_models_count_once(tmp_path: Path) -> None:
    folder = tmp_path / "shelf"
    run = folder / "run"
    run.mkdir(parents=True)
    src = CORPUS / "tf2onnx_regression_ckpt"
    for step in (10, 20, 30):
        for suffix in (".meta", ".index", ".data-00000-of-00001"):
            shutil.copy(src / f"model{suffix}", run / f"model.ckpt-{step}{suffix}")
    (run / "checkpoint").write_text('model_checkpoint_path: "model.ckpt-20"\n'
                                    'all_model_checkpoint_paths: "model.ckpt-10"\n')
    shutil.copytree(CORPUS / "tf2onnx_regression_savedmodel", folder / "export" / "1")
    result = scan(str(folder), "--json")
    rows = rows_by_path(result)
    assert sorted(rows) == ["export/1", "run/model.ckpt-20.meta"], "the checkpoint file names step 20"
    assert rows["run/model.ckpt-20.meta"]["format"] == "checkpoint"
    assert rows["export/1"]["format"] == "saved_model"
    assert rows["export/1"]["size"] == sum(f.stat().st_size for f in (folder / "export" / "1").rglob("*")
                                           if f.is_file())
    assert "2 older checkpoint(s)" in result.stderr
    assert (folder / ".tfscout-scan.jsonl").is_file(), "the state file goes in DIR by default"


def test_names_are_not_trusted(tmp_path: Path) -> None:
    (tmp_path / "weights.bin").write_bytes((CORPUS / "tf2onnx_regression_frozen" / "frozen.pb").read_bytes())
    (tmp_path / "graph.pb").write_bytes((CORPUS / "ngraph_test_axpy" / "test_axpy.pbtxt").read_bytes())
    (tmp_path / "notes").write_bytes((CORPUS / "tfnet_xor_meta" / "xor.meta").read_bytes())
    rows = rows_by_path(scan(str(tmp_path), "--json"))
    assert {p: r["format"] for p, r in rows.items()} == {
        "weights.bin": "graphdef", "graph.pb": "graphdef_text", "notes": "metagraph"}


def test_broken_files_are_error_rows_and_other_files_are_ignored(tmp_path: Path) -> None:
    good = (CORPUS / "kws_dnn_s" / "DNN_S.pb").read_bytes()
    (tmp_path / "ok.pb").write_bytes(good)
    (tmp_path / "truncated.pb").write_bytes(good[: len(good) // 2])
    (tmp_path / "empty.pb").write_bytes(b"")
    (tmp_path / "photo.pb").write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF" + bytes(300))
    (tmp_path / "broken.pbtxt").write_text('node {\n  name: "x"\n  op: "Placeholder"\n')
    (tmp_path / "noise.meta").write_bytes(bytes(range(256)) * 8)
    orphan = tmp_path / "weights"
    orphan.mkdir()
    ckpt = CORPUS / "tf2onnx_regression_ckpt"
    shutil.copy(ckpt / "model.index", orphan / "model.index")
    shutil.copy(ckpt / "model.data-00000-of-00001", orphan / "model.data-00000-of-00001")
    for name in ("README.txt", "labels.npy", "silence.wav"):
        shutil.copy(next(CORPUS.rglob("*" + Path(name).suffix)), tmp_path / name)
    result = scan(str(tmp_path), "--json", "-j", "2")
    rows = rows_by_path(result)
    assert sorted(rows) == ["broken.pbtxt", "empty.pb", "noise.meta", "ok.pb", "photo.pb", "truncated.pb",
                            "weights/model.index"]
    assert rows["ok.pb"]["error"] is None and rows["ok.pb"]["outputs"] == ["labels_softmax:0"]
    words = {"truncated.pb": "truncated or corrupt", "empty.pb": "empty", "photo.pb": "JPEG",
             "broken.pbtxt": "syntax error", "noise.meta": "not", "weights/model.index": "without its graph"}
    for path, word in words.items():
        error = rows[path]["error"]
        assert error and word in error, (path, error)
        assert "\n" not in error and error.endswith(")"), "one line with the fix in parentheses"
        assert rows[path]["nodes"] is None
    text = scan(str(tmp_path))
    assert text.returncode == 0
    assert "could not be inspected (6)" in text.stdout


def test_bad_usage_exits_2(tmp_path: Path) -> None:
    (tmp_path / "file.pb").write_bytes(b"x")
    for args in ([str(tmp_path / "missing")], [str(tmp_path / "file.pb")], [str(tmp_path), "-j", "0"],
                 [str(tmp_path), "--json", "--csv"], [str(tmp_path), "--opset", "99"],
                 [str(tmp_path), "--resume", "--restart"]):
        result = scan(*args)
        assert result.returncode == 2, args
        assert result.stderr.startswith("tfscout: error: ") and len(result.stderr.strip().splitlines()) == 1


# ---------------------------------------------------------------------------------------------
# Resume


def test_rows_in_the_state_file_are_reused_unless_the_model_changed(tmp_path: Path) -> None:
    folder = tmp_path / "models"
    for name in ("tf2onnx_regression_frozen", "rust_multiplication", "tfnet_xor_meta"):
        shutil.copytree(CORPUS / name, folder / name)
    state = tmp_path / "state.jsonl"
    first = rows_by_path(scan(str(folder), "--json", "--state", str(state)))
    lines = state.read_text().splitlines()
    assert len(lines) == 1 + 3
    # Mark every stored row: a reused row keeps the mark, an inspected one loses it.
    entries = [json.loads(line) for line in lines[1:]]
    for entry in entries:
        entry["row"]["nodes"] = 999_999
    state.write_text("\n".join([lines[0]] + [json.dumps(e) for e in entries]) + "\n{\"row\": {\"pa")
    changed = folder / "rust_multiplication" / "multiplication.pb"
    os.utime(changed, ns=(changed.stat().st_atime_ns, changed.stat().st_mtime_ns + 10**9))
    second = scan(str(folder), "--json", "--state", str(state))
    rows = rows_by_path(second)
    assert rows["tf2onnx_regression_frozen/frozen.pb"]["nodes"] == 999_999, "unchanged: reused"
    assert rows["tfnet_xor_meta/xor.meta"]["nodes"] == 999_999
    assert rows["rust_multiplication/multiplication.pb"]["nodes"] == first["rust_multiplication/multiplication.pb"]["nodes"]
    assert "2 reused" in second.stderr
    again = rows_by_path(scan(str(folder), "--json", "--state", str(state), "--restart"))
    assert again == first, "--restart inspects everything again"
    other_opset = scan(str(folder), "--json", "--state", str(state), "--opset", "13")
    assert len(rows_by_path(other_opset)) == 3
    assert "reused" not in other_opset.stderr, "rows pre-checked at another opset are not reused"


def _stop_its_worker(proc: subprocess.Popen[str]) -> Any:
    """Suspend the scan's worker as soon as it exists: from then on the scan can finish no more models."""
    import psutil

    scan_process = psutil.Process(proc.pid)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        workers = scan_process.children()
        if workers:
            workers[0].suspend()
            return workers[0]
        time.sleep(0.01)
    pytest.fail("the scan started no worker")


def test_an_interrupted_scan_resumes(tmp_path: Path) -> None:
    """Two models scanned before, six added; the second scan is interrupted while its only worker is
    suspended (so it cannot have finished), and the third reuses every row the state file kept."""
    sys.path.insert(0, str(ROOT))
    from bench.synthetic import make_graph

    folder = tmp_path / "shelf"
    folder.mkdir()
    data = make_graph(40_000).SerializeToString()
    count = 8
    for i in range(count):
        (folder / f"model_{i}.pb").write_bytes(data)
        if i == 1:
            assert len(rows_by_path(scan(str(folder), "--json", "-j", "1"))) == 2
    state = folder / ".tfscout-scan.jsonl"
    proc = subprocess.Popen([tfscout_executable(), "scan", str(folder), "--json", "-j", "1"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=interruptible)
    worker = _stop_its_worker(proc)
    try:
        proc.send_signal(signal.SIGINT)
        _out, err = proc.communicate(timeout=60)
    finally:
        if worker.is_running():
            worker.kill()
    assert proc.returncode == 130, err
    done = len(state.read_text().splitlines()) - 1
    assert 2 <= done < count, "the rows of the first scan are kept, and the interrupted one did not finish"
    resumed = scan(str(folder), "--json", "-j", "1")
    rows = rows_by_path(resumed)
    assert sorted(rows) == [f"model_{i}.pb" for i in range(count)]
    assert all(r["error"] is None and r["nodes"] == rows["model_0.pb"]["nodes"] for r in rows.values())
    assert f"{done} reused" in resumed.stderr
    assert not [p for p in folder.iterdir() if p.name.endswith(".tmp")], "no leftovers"


def test_a_model_over_the_time_limit_is_an_error_row_and_is_retried_on_resume(tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT))
    from bench.synthetic import make_graph

    folder = tmp_path / "shelf"
    folder.mkdir()
    (folder / "big.pb").write_bytes(make_graph(60_000).SerializeToString())
    shutil.copy(CORPUS / "rust_multiplication" / "multiplication.pb", folder / "small.pb")
    rows = rows_by_path(scan(str(folder), "--json", "-j", "1", "--timeout", "0.3"))
    assert "took longer than 0.3 s" in rows["big.pb"]["error"]
    assert rows["big.pb"]["nodes"] is None
    again = scan(str(folder), "--json", "-j", "1")
    rows = rows_by_path(again)
    assert rows["big.pb"]["error"] is None and rows["big.pb"]["nodes"] >= 60_000, "a timeout is not reused"


# ---------------------------------------------------------------------------------------------
# The worker pool: a crash or a hang gives an error row, never a dead scan


def _pool_answers(target: str, jobs: list[Any], timeout: float) -> list[tuple[Any, Any]]:
    from tfscout.procs import WorkerPool

    answers: list[tuple[Any, Any]] = []
    pool = WorkerPool(target, 2, timeout, lambda job, kind, message: {"failed": kind, "message": message})
    pool.run(jobs, lambda job, answer: answers.append((job, answer)))
    assert not pool.workers, "every worker is stopped at the end"
    return answers


def test_a_worker_that_crashes_gives_an_error_answer() -> None:
    answers = _pool_answers("ctypes:string_at", [0, 0], timeout=60)  # reading address 0: SIGSEGV
    assert len(answers) == 2
    for _job, answer in answers:
        assert answer["failed"] == "crash" and "SIGSEGV" in answer["message"]


def test_a_worker_that_hangs_is_stopped_and_the_others_go_on() -> None:
    start = time.monotonic()
    answers = _pool_answers("time:sleep", [0.01, 600, 0.01, 0.01, 0.01], timeout=3)
    assert time.monotonic() - start < 60
    by_job = {}
    for job, answer in answers:
        by_job.setdefault(job, []).append(answer)
    assert by_job[600] == [{"failed": "timeout", "message": "took longer than 3 s and was stopped "
                                                           "(raise the limit with --timeout)"}]
    assert by_job[0.01] == [None, None, None, None], "the other jobs were answered by the workers"
