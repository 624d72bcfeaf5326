"""``tfscout tui MODEL`` in a real terminal: tmux (160x48 and 80x24), driven with send-keys, read with capture-pane."""

from __future__ import annotations

import re
import shutil
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import tfscout_executable
from tests.functional.tui_models import long_path_model, random_bytes
from tfscout.inspector import inspect_model
from tfscout.samples import checkpoint_dir

WIDTH, HEIGHT = 160, 48
SHOWN_WITHIN = 10.0  # seconds: the promise for the first useful screen


def tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], capture_output=True, text=True, check=True, timeout=30).stdout


@pytest.fixture
def terminal() -> Iterator[str]:
    assert shutil.which("tmux"), "tmux is not installed: run tools/ensure-system-deps.sh (make test does)"
    name = f"tfscout-test-{uuid.uuid4().hex[:8]}"
    yield name
    subprocess.run(["tmux", "kill-session", "-t", name], capture_output=True, check=False, timeout=30)


def size_env(width: int, height: int) -> list[str]:
    """COLUMNS and LINES for the pane's size: a tmux server started under pytest hands its commands
    COLUMNS=80 LINES=24, and Textual takes those over the terminal's own size."""
    return ["-e", f"COLUMNS={width}", "-e", f"LINES={height}"]


def screen_text(name: str) -> str:
    return tmux("capture-pane", "-p", "-t", name)


def wait_for_text(name: str, found: Callable[[str], bool], timeout: float, what: str) -> str:
    deadline = time.monotonic() + timeout
    while True:
        text = screen_text(name)
        if found(text):
            return text
        if time.monotonic() > deadline:
            raise AssertionError(f"no {what} on screen within {timeout:.0f} s; the screen shows:\n{text}")
        time.sleep(0.1)


def test_tui_in_tmux_shows_the_recommendation_finds_keep_prob_and_quits(terminal):
    model = str(checkpoint_dir())
    head = inspect_model(model).recommended_outputs[0].name
    command = f"{tfscout_executable()} tui {model}; echo tfscout exited with $?; sleep 60"
    tmux("new-session", "-d", "-s", terminal, "-x", str(WIDTH), "-y", str(HEIGHT), *size_env(WIDTH, HEIGHT),
         "-e", "TERM=xterm-256color", "sh", "-c", command)
    # the recommended output, marked as chosen, in the outputs list and in the command
    text = wait_for_text(terminal, lambda t: f"✓ {head}" in t and f"--outputs {head}" in t, SHOWN_WITHIN,
                         f"recommended output {head}")
    assert "Outputs" in text and "Inputs" in text
    tmux("send-keys", "-t", terminal, "/")
    wait_for_text(terminal, lambda t: "Search nodes" in t, 5, "search box")
    tmux("send-keys", "-t", terminal, "-l", "keep_prob")
    wait_for_text(terminal, lambda t: "keep_prob  Placeholder" in t and "1 match" in t, 5, "the keep_prob hit")
    tmux("send-keys", "-t", terminal, "Enter")
    text = wait_for_text(terminal, lambda t: "Search nodes" not in t and "op Placeholder" in t, 5,
                         "keep_prob's details")
    assert "keep_prob:0" in text
    tmux("send-keys", "-t", terminal, "q")
    text = wait_for_text(terminal, lambda t: "tfscout exited with" in t, 10, "the exit")
    assert "tfscout exited with 0" in text
    assert "Traceback" not in text


def start(terminal: str, model: str, state: Path, width: int = 80, height: int = 24) -> None:
    command = f"{tfscout_executable()} tui {model}; echo tfscout exited with $?; sleep 60"
    tmux("new-session", "-d", "-s", terminal, "-x", str(width), "-y", str(height), *size_env(width, height),
         "-e", "TERM=xterm-256color", "-e", f"TFSCOUT_STATE_DIR={state}", "sh", "-c", command)


def left_column(text: str) -> str:
    """The left pane's text as one string: each screen line cut where the right pane's tabs begin,
    with the spaces, gutters and marks a wrapped row carries taken out (a long name wraps)."""
    lines = text.splitlines()
    tabs = next(line for line in lines if "Interface" in line and "Node" in line)
    width = tabs.index(" Node ")
    return "".join(re.sub(r"[\s█✓▁▂▃▄▅▆▇▔▎▊]", "", line[:width]) for line in lines)


def test_80x24_long_names_show_the_verdict_every_recommended_output_and_the_keys(terminal, tmp_path):
    model = long_path_model(tmp_path)
    heads = [c.name for c in inspect_model(str(model)).recommended_outputs]
    assert len(heads) == 2
    start(terminal, str(model), tmp_path / "state")
    text = wait_for_text(terminal, lambda t: "every op on the path converts" in t, SHOWN_WITHIN, "the verdict")
    column = left_column(text)
    for head in heads:
        assert head in column, f"{head} is not on the 80x24 screen:\n{text}"
    assert "? Keys" in text and "q Quit" in text and "n Around" in text and "e Export" in text
    tmux("send-keys", "-t", terminal, "?")
    wait_for_text(terminal, lambda t: "tfscout keys" in t, 5, "the key list")
    tmux("send-keys", "-t", terminal, "Escape")
    wait_for_text(terminal, lambda t: "tfscout keys" not in t, 5, "the key list to close")
    tmux("send-keys", "-t", terminal, "q")
    assert "tfscout exited with 0" in wait_for_text(terminal, lambda t: "tfscout exited" in t, 10, "the exit")


def test_random_bytes_opened_with_ctrl_o_leave_no_old_model(terminal, tmp_path):
    sample = str(checkpoint_dir())
    bad = random_bytes(tmp_path)
    start(terminal, sample, tmp_path / "state")
    wait_for_text(terminal, lambda t: "every op on the path converts" in t and "probabilities:0" in t,
                  SHOWN_WITHIN, "the sample")
    tmux("send-keys", "-t", terminal, "C-o")
    wait_for_text(terminal, lambda t: "Open a model" in t, 5, "the open dialog")
    tmux("send-keys", "-t", terminal, "C-u")
    tmux("send-keys", "-t", terminal, "-l", str(bad))
    tmux("send-keys", "-t", terminal, "Enter")
    text = wait_for_text(terminal, lambda t: "No model open" in t and "Open a model" not in t, 10,
                         "the failed open")
    assert "probabilities" not in text and "keep_prob" not in text and "x:0" not in text
    assert "tf2onnx.convert" not in text and "tfscout convert" not in text
    tmux("send-keys", "-t", terminal, "x")
    text = wait_for_text(terminal, lambda t: "press Ctrl+O" in t, 5, "the no-model answer")
    assert "Wait until the model is loaded" not in text
