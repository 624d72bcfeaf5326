"""What the user gave us (issue 12): no file of the model is ever written over, with or without
--force; an output that cannot be written is a one-line usage error before anything runs; scan's
state file is never a way to write elsewhere or to hide a model's unsafe ops; the TUI asks before
replacing a picture.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import run_tfscout
from tests.security.conftest import HostWatch, describe, error_line
from tests.security.hostile import Probe, write_raw


def _digests(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and not p.is_symlink()}


@pytest.fixture
def frozen(tmp_path: Path) -> Path:
    from tfscout.samples import frozen_pb

    folder = tmp_path / "frozen"
    folder.mkdir()
    return Path(shutil.copy(frozen_pb(), folder / "model.pb"))


@pytest.fixture
def checkpoint(tmp_path: Path) -> Path:
    from tfscout.samples import checkpoint_dir

    return Path(shutil.copytree(checkpoint_dir(), tmp_path / "checkpoint"))


# ---------------------------------------------------------------------------------------------
# Never write over a file of the model


@pytest.mark.slow
@pytest.mark.parametrize("command", ["freeze", "convert"])
def test_the_output_is_never_the_model_itself(command: str, frozen: Path) -> None:
    before = _digests(frozen.parent)
    result = run_tfscout(command, str(frozen), "-o", str(frozen), "--force", timeout=900)
    assert _digests(frozen.parent) == before, f"{command} -o MODEL --force wrote over the model"
    assert result.returncode == 2, describe(result)
    assert str(frozen) in error_line(result)


@pytest.mark.slow
@pytest.mark.parametrize("command", ["freeze", "convert"])
def test_the_output_is_never_a_link_to_the_model(command: str, frozen: Path, tmp_path: Path) -> None:
    link = tmp_path / "out.onnx"
    link.symlink_to(frozen)
    before = _digests(frozen.parent)
    result = run_tfscout(command, str(frozen), "-o", str(link), "--force", timeout=900)
    assert _digests(frozen.parent) == before, f"{command} wrote over the model through a link: {describe(result)}"


@pytest.mark.slow
@pytest.mark.parametrize("command", ["freeze", "convert"])
@pytest.mark.parametrize("kind,name", [
    ("checkpoint", "checkpoint"), ("checkpoint", "model.ckpt-40.index"),
    ("checkpoint", "model.ckpt-40.data-00000-of-00001"), ("checkpoint", "model.ckpt-40.meta"),
    ("saved_model", "saved_model.pb"), ("saved_model", "variables/variables.index"),
    ("saved_model", "variables/variables.data-00000-of-00001")])
def test_the_output_is_never_a_file_of_the_model(kind: str, name: str, command: str, checkpoint: Path,
                                                 models: dict[str, Path], tmp_path: Path) -> None:
    folder = checkpoint if kind == "checkpoint" else Path(shutil.copytree(models["saved_model_two_tags"],
                                                                          tmp_path / "saved_model"))
    extra = [] if kind == "checkpoint" else ["--tag", "serve,gpu"]
    before = _digests(folder)
    result = run_tfscout(command, str(folder), "-o", str(folder / name), "--force", *extra, timeout=900)
    assert _digests(folder) == before, f"{command} -o {name} --force replaced a file of the model"
    assert result.returncode == 2, describe(result)


# ---------------------------------------------------------------------------------------------
# An output that cannot be written: a usage error first


def _unwritable(kind: str, tmp_path: Path) -> Path:
    if kind == "under a file":
        (tmp_path / "a_file").write_text("not a folder")
        return tmp_path / "a_file" / "out.onnx"
    if kind == "a 300-character name":
        return tmp_path / ("m" * 295 + ".onnx")
    return Path("/proc/tfscout-out.onnx")  # a folder in which no file can be created, even by root


@pytest.mark.slow
@pytest.mark.parametrize("command", ["freeze", "convert"])
@pytest.mark.parametrize("kind", ["under a file", "a 300-character name", "a folder that takes no files"])
def test_an_unwritable_output_is_a_usage_error_before_anything_runs(kind: str, command: str, host: HostWatch,
                                                                    models: dict[str, Path],
                                                                    tmp_path: Path) -> None:
    """The model writes into the probe's outbox when it runs: it must not get the chance."""
    out = _unwritable(kind, tmp_path)
    host.reset()
    result = run_tfscout(command, str(models["case_branch"]), "-o", str(out), "--allow-unsafe", timeout=900)
    assert host.seen() == [], f"the conversion ran before the output was checked: {describe(result)}"
    assert result.returncode == 2, describe(result)
    line = error_line(result)
    assert str(out)[:60] in line, line


# ---------------------------------------------------------------------------------------------
# scan's state file


@pytest.fixture
def shelf(tmp_path: Path) -> Path:
    """A folder holding one model with a WriteFile in a Case branch (the scan lists it as unsafe)."""
    folder = tmp_path / "shelf"
    folder.mkdir()
    probe = Probe(tmp_path / "unused", tmp_path / "unused", 9)
    shutil.move(write_raw("case_branch", probe, tmp_path / "built"), folder / "model.pb")
    return folder


def _scan(shelf: Path, *extra: str) -> list[dict[str, object]]:
    result = run_tfscout("scan", str(shelf), "--json", "--jobs", "1", *extra, timeout=300)
    assert result.returncode == 0 and "Traceback" not in result.stderr, describe(result)
    return result.json()


def test_scan_never_follows_a_linked_state_file(shelf: Path, tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    (shelf / ".tfscout-scan.jsonl").symlink_to(victim)
    result = run_tfscout("scan", str(shelf), "--jobs", "1", timeout=300)
    assert victim.read_text() == "precious\n", "the state file's link was followed and its target rewritten"
    assert "Traceback" not in result.stderr, describe(result)


def test_scan_never_writes_over_a_file_that_is_not_its_state(shelf: Path, tmp_path: Path) -> None:
    victim = tmp_path / "results.csv"
    victim.write_text("path,verdict\nmodel.pb,fine\n")
    result = run_tfscout("scan", str(shelf), "--jobs", "1", "--state", str(victim), timeout=300)
    assert victim.read_text() == "path,verdict\nmodel.pb,fine\n", "--state overwrote a file that is not a state file"
    assert result.returncode == 2, describe(result)


def _edit_rows(state: Path, edit: object) -> None:
    lines = state.read_text().splitlines()
    entries = [json.loads(line) for line in lines[1:]]
    for entry in entries:
        edit(entry["row"])  # type: ignore[operator]
    state.write_text("\n".join([lines[0], *(json.dumps(e) for e in entries)]) + "\n")


def test_planted_state_rows_do_not_hide_unsafe_ops(shelf: Path) -> None:
    (first,) = _scan(shelf)
    assert "WriteFile" in first["unsafe"], first

    def clean(row: dict[str, object]) -> None:
        row["unsafe"], row["unsafe_on_path"] = [], []
    _edit_rows(shelf / ".tfscout-scan.jsonl", clean)
    (again,) = _scan(shelf)
    assert "WriteFile" in again["unsafe"], "a row planted in the state file hid the model's unsafe ops"


def test_a_state_row_of_the_wrong_types_is_skipped(shelf: Path) -> None:
    _scan(shelf)

    def garble(row: dict[str, object]) -> None:
        row.update(format=7, size="big", nodes="many", inputs=3, outputs=None, blocking=5, opset="15", unsafe=9,
                   unsafe_on_path=9, error=4)
    _edit_rows(shelf / ".tfscout-scan.jsonl", garble)
    result = run_tfscout("scan", str(shelf), "--jobs", "1", timeout=300)
    assert result.returncode == 0, describe(result)
    assert "model.pb" in result.stdout and "Traceback" not in result.stderr, describe(result)
    (row,) = _scan(shelf)
    assert isinstance(row["size"], int) and "WriteFile" in row["unsafe"], row


# ---------------------------------------------------------------------------------------------
# The TUI's picture export


@pytest.mark.slow
def test_the_tui_does_not_replace_an_existing_picture_without_asking(tmp_path: Path) -> None:
    import asyncio

    from textual.widgets import Input

    from tests.functional.tui_helpers import wait_for, wait_for_report
    from tfscout.samples import checkpoint_dir
    from tfscout.tui.app import make_app

    picture = tmp_path / "mine.svg"
    picture.write_text("<svg>my own picture</svg>")

    async def export_over_it() -> None:
        app = make_app(str(checkpoint_dir()))
        async with app.run_test(size=(160, 48)) as pilot:
            await wait_for_report(pilot)
            await pilot.press("e")
            await wait_for(pilot, lambda: pilot.app.screen.query("#export-path"), what="the export dialog")
            dialog = pilot.app.screen
            pilot.app.screen.query_one("#export-path", Input).value = str(picture)
            notes = len(app._notifications)
            await pilot.press("enter")
            await wait_for(pilot, lambda: picture.read_text() != "<svg>my own picture</svg>"
                           or len(app._notifications) > notes
                           or (pilot.app.screen is not dialog and len(pilot.app.screen_stack) > 1),
                           timeout=60, what="the export to finish or a question")
    asyncio.run(export_over_it())
    assert picture.read_text() == "<svg>my own picture</svg>", "the export replaced an existing file without asking"
