"""The generators of the package data the inspector reads: tf2onnx's op support table and TensorFlow's op
signatures. Each imports tf2onnx or TensorFlow, so each runs as a script in a child process:

    python -m tfscout.converter.tables.support_table [OUT.json]
    python -m tfscout.converter.tables.tf_op_table [OUT.json]
    python -m tfscout.converter.tables.pure_ops [OUT.json]     (the allowlist of ops known to be pure)

This package's API is how the converter runs them. The generator modules are not imported here (a script run
with ``-m`` must not be imported first); ``pure_ops`` and its review are listed for their tests and loaded on
first use.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from types import ModuleType

from tfscout.errors import RunnerError
from tfscout.inspector import SupportTable, load_support_table
from tfscout.procs import run_command

GENERATE_TIMEOUT = 300.0
SUPPORT_TABLE_MODULE = "tfscout.converter.tables.support_table"

__all__ = ["GENERATE_TIMEOUT", "SUPPORT_TABLE_MODULE", "pure_ops", "pure_ops_review", "regenerate_in_child",
           "support_table_for_installed"]
_LOADED_ON_USE = ("pure_ops", "pure_ops_review")


def __getattr__(name: str) -> ModuleType:
    if name in _LOADED_ON_USE:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def regenerate_in_child(out: Path, timeout: float = GENERATE_TIMEOUT) -> None:
    """Write the table for the installed tf2onnx to ``out``, generated in a child process."""
    run = run_command([sys.executable, "-m", SUPPORT_TABLE_MODULE, str(out)], timeout=timeout)
    if run.timed_out:
        raise RunnerError(f"generating the tf2onnx support table did not finish within {timeout:.0f} s",
                          "rerun later, or run `python -m tfscout.converter.tables.support_table` by hand")
    if run.returncode != 0 or not out.exists():
        tail = (run.stderr.strip().splitlines() or ["no output"])[-1][:300]
        raise RunnerError(f"generating the tf2onnx support table failed (exit {run.returncode}: {tail})",
                          "check that tf2onnx imports: python -c 'import tf2onnx.tfonnx'")


def support_table_for_installed(timeout: float = GENERATE_TIMEOUT) -> SupportTable:
    """The support table for the installed tf2onnx: shipped, cached, or regenerated into the cache."""
    return load_support_table(regenerate=lambda out: regenerate_in_child(out, timeout))
