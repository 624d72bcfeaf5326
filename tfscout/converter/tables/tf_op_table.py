"""Generate the table of TensorFlow op signatures that the inspector ships as package data.

The inspector reads graphs without TensorFlow, so it needs to know, for every op type, how many
outputs a node has, their dtypes (a fixed type or the attribute holding it) and whether the op is
stateful. This module dumps that from the installed TensorFlow's op registry:

    python -m tfscout.converter.tables.tf_op_table [OUT.json]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from tfscout.inspector import op_arg_spec

DEFAULT_OUT = Path(__file__).resolve().parents[2] / "inspector" / "data" / "tf_ops.json"


def generate_tf_op_table() -> dict[str, Any]:
    """Read every registered op from TensorFlow's C API registry (imports TensorFlow)."""
    import tensorflow as tf
    from tensorflow.core.framework import op_def_pb2
    from tensorflow.python.client import pywrap_tf_session as c_api

    op_list = op_def_pb2.OpList()
    op_list.ParseFromString(bytes(c_api.TF_GetBuffer(c_api.TF_GetAllOpList())))
    ops: dict[str, Any] = {}
    for op in sorted(op_list.op, key=lambda o: o.name):
        entry: dict[str, Any] = {
            "in": [list(op_arg_spec(a)) for a in op.input_arg],
            "out": [list(op_arg_spec(a)) for a in op.output_arg],
        }
        if op.is_stateful:
            entry["stateful"] = True
        ops[op.name] = entry
    return {"generated_by": f"tensorflow {tf.__version__}", "ops": ops}


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    out = Path(args[0]) if args else DEFAULT_OUT
    table = generate_tf_op_table()
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(table, separators=(",", ":"), sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
