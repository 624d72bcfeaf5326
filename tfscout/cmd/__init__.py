"""One module per ``tfscout`` subcommand: ``add_parser(subparsers)`` and ``run(args) -> int``.

Each parses its arguments, calls the inspector or the converter, and prints the result; the parts'
heavy imports happen inside ``run``, so that building the parser stays cheap.
"""

from __future__ import annotations

from tfscout.cmd import check, convert, freeze, inspect, render, scan, tui, verify

# In the order ``tfscout --help`` lists them.
COMMANDS = (inspect, check, freeze, convert, verify, render, tui, scan)

__all__ = ["COMMANDS"]
