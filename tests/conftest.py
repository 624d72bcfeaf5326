"""Shared fixtures: the installed console script, the corpus, the bundled samples."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Third-party TF1 graphs with a manifest of their documented interfaces (see tests/corpus/README.md).
CORPUS = Path(os.environ.get("TFSCOUT_CORPUS", ROOT / "tests" / "corpus"))


@dataclass
class CliResult:
    returncode: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)


def tfscout_executable() -> str:
    beside = Path(sys.executable).with_name("tfscout")
    return str(beside) if beside.exists() else (shutil.which("tfscout") or "tfscout")


def interruptible() -> None:
    """``preexec_fn`` for a child a test will interrupt: Ctrl+C as in a terminal, even when the suite itself
    runs in the background (a shell starts background jobs with SIGINT ignored, and children inherit that)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_DFL)


def run_tfscout(*args: str, timeout: float = 300, cwd: Path | None = None) -> CliResult:
    """Run the installed ``tfscout`` console script, as a user would."""
    proc = subprocess.run([tfscout_executable(), *args], capture_output=True, text=True, timeout=timeout,
                          cwd=cwd, env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"})
    return CliResult(proc.returncode, proc.stdout, proc.stderr)


@pytest.fixture(scope="session")
def tui_state_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("tfscout-state")


@pytest.fixture(autouse=True)
def tui_state(tui_state_dir, monkeypatch):
    """The TUI's list of recent models goes to a folder of the test run, never the user's."""
    monkeypatch.setenv("TFSCOUT_STATE_DIR", str(tui_state_dir))


@pytest.fixture
def cli():
    return run_tfscout


def corpus_manifest() -> list[dict[str, Any]]:
    path = CORPUS / "manifest.json"
    if not path.exists():
        pytest.fail(f"the corpus is missing at {CORPUS} (set TFSCOUT_CORPUS)")
    return json.loads(path.read_text())


@pytest.fixture(scope="session")
def manifest() -> list[dict[str, Any]]:
    return corpus_manifest()
