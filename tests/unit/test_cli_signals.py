"""SIGTERM and SIGHUP unwind the CLI like Ctrl+C, also when they land inside an asyncio task (the TUI runs
in one): a task keeps an ordinary exception for whoever awaits it, and nobody awaits the TUI's. Run in a
child interpreter of its own: an exit that unwinds an event loop is the last thing a process does."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap

from tests.conftest import ROOT

_PROGRAM = textwrap.dedent("""
    import asyncio, signal, sys
    from tfscout.cli import Stopped

    async def handler_fires_here():
        raise Stopped(signal.SIGHUP)

    async def app():
        asyncio.get_running_loop().create_task(handler_fires_here())
        await asyncio.sleep(3)

    try:
        asyncio.run(app())
    except Stopped as stop:
        print("stopped", stop.signum)
        sys.exit(0)
    print("the loop kept running")
    sys.exit(1)
""")


def test_a_stop_inside_an_asyncio_task_ends_the_loop() -> None:
    proc = subprocess.run([sys.executable, "-c", _PROGRAM], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert proc.returncode == 0 and proc.stdout.split() == ["stopped", str(int(signal.SIGHUP))], proc.stdout + proc.stderr
