"""Helpers for driving the TUI with Textual's Pilot."""

from __future__ import annotations

import asyncio
import functools
import time
from collections.abc import Awaitable, Callable
from typing import Any

from textual.pilot import Pilot

from tfscout.tui.screens.main import MainScreen


def run_async(test: Callable[..., Awaitable[Any]]) -> Callable[..., Any]:
    """Run an async test function in a fresh event loop (fixtures still arrive by name)."""
    @functools.wraps(test)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return asyncio.run(test(*args, **kwargs))  # type: ignore[arg-type]
    return wrapper


async def wait_for(pilot: Pilot, condition: Callable[[], object], timeout: float = 20.0, what: str = "") -> None:
    """Let the app run until ``condition()`` is true; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what or condition}")
        await pilot.pause(0.05)
    await pilot.pause()


def main_screen(pilot: Pilot) -> MainScreen:
    screen = pilot.app.screen_stack[0]
    assert isinstance(screen, MainScreen)
    return screen


async def wait_for_report(pilot: Pilot, timeout: float = 30.0) -> MainScreen:
    screen = main_screen(pilot)
    await wait_for(pilot, lambda: screen.report is not None, timeout, "the first report")
    return screen


async def wait_settled(pilot: Pilot, screen: MainScreen, timeout: float = 30.0) -> None:
    """Wait until the report shown belongs to the latest choice."""
    await wait_for(pilot, lambda: screen.settled, timeout, "the report of the latest choice")


async def type_text(pilot: Pilot, text: str) -> None:
    for ch in text:
        await pilot.press(ch)
    await asyncio.sleep(0)
