"""``tfscout tui MODEL`` in a real terminal: tmux at 160x48, driven with send-keys, read with capture-pane."""

from __future__ import annotations

import shutil
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator

import pytest

from tests.conftest import tfscout_executable
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
    tmux("new-session", "-d", "-s", terminal, "-x", str(WIDTH), "-y", str(HEIGHT),
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
