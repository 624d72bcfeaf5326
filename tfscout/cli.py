"""The ``tfscout`` command: parse arguments, call a part, render, turn errors into exit codes.

Each subcommand lives in ``tfscout/cmd/<name>.py`` with ``add_parser(subparsers)`` and
``run(args) -> int``; ``tfscout.cmd.COMMANDS`` lists them. Exit codes: 0 success, 1 a model problem the report explains, 2 bad usage
or unreadable input. Errors are one line; ``--debug`` shows the traceback.
"""

from __future__ import annotations

import argparse
import signal
import sys
import traceback

from tfscout import __version__
from tfscout.cmd import COMMANDS
from tfscout.errors import TfscoutError


class Stopped(SystemExit):
    """SIGTERM (or SIGHUP) arrived: unwind like Ctrl+C, so that children are killed and temp folders go. A
    SystemExit, so that an asyncio task it lands in (the TUI's) passes it on instead of keeping it."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _stop(signum: int, _frame: object) -> None:
    raise Stopped(signum)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        sys.stderr.write(f"tfscout: error: {message} (see `tfscout {self.prog.split()[-1]} --help`)\n"
                         if " " in self.prog else f"tfscout: error: {message} (see `tfscout --help`)\n")
        raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="tfscout", description="Inspect, pre-check, convert and verify legacy TF1 models.")
    parser.add_argument("--version", action="version", version=f"tfscout {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for command in COMMANDS:
        command.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help(sys.stderr)
        return 2
    debug = bool(getattr(args, "debug", False))
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _stop)
    try:
        return int(args.run(args))
    except TfscoutError as exc:
        if debug:
            traceback.print_exc()
        sys.stderr.write(f"tfscout: error: {exc.one_line()}\n")
        return exc.exit_code
    except KeyboardInterrupt:
        sys.stderr.write("tfscout: interrupted\n")
        return 130
    except Stopped as stop:
        sys.stderr.write(f"tfscout: stopped ({signal.Signals(stop.signum).name})\n")
        return 128 + stop.signum
    except BrokenPipeError:
        return 0
    except Exception as exc:  # noqa: BLE001 - the last line of defence: one line, never a traceback
        if debug:
            traceback.print_exc()
        detail = f"{type(exc).__name__}: {exc}".splitlines()[0][:300]
        sys.stderr.write(f"tfscout: error: internal error ({detail}); rerun with --debug and report it\n")
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
