"""The inspector never imports TensorFlow, tf2onnx, onnxruntime, onnx or Textual, and the converter
imports them only in the functions and child processes that use them.

Checked in a fresh interpreter, for the inspector and converter packages, the CLI and a whole `inspect` run.
"""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import CORPUS

HEAVY = ("tensorflow", "tf2onnx", "onnxruntime", "onnx", "textual", "numpy", "keras")


def loaded_modules(code: str) -> set[str]:
    probe = f"""
import sys, json, io, contextlib
with contextlib.redirect_stdout(io.StringIO()):
{chr(10).join('    ' + line for line in code.splitlines())}
print(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}})))
"""
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


def test_importing_the_inspector_loads_no_heavy_module() -> None:
    loaded = loaded_modules("import tfscout.inspector")  # its __init__ imports every part of it
    assert not loaded & set(HEAVY), loaded & set(HEAVY)


def test_importing_the_converter_loads_no_heavy_module() -> None:
    loaded = loaded_modules("import tfscout.converter")
    assert not loaded & set(HEAVY), loaded & set(HEAVY)


def test_a_whole_inspect_run_loads_no_heavy_module() -> None:
    model = CORPUS / "tf2onnx_regression_ckpt"
    loaded = loaded_modules(f"from tfscout.cli import main\nmain(['inspect', {str(model)!r}, '--json'])")
    assert "tfscout" in loaded
    assert not loaded & set(HEAVY), loaded & set(HEAVY)


def test_the_cli_parser_loads_no_heavy_module() -> None:
    loaded = loaded_modules("from tfscout.cli import build_parser\nbuild_parser()")
    assert not loaded & set(HEAVY), loaded & set(HEAVY)
