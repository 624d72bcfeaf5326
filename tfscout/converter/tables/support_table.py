"""Generate the table of op types the installed tf2onnx converts, per ONNX opset and per extra domain.

tf2onnx keeps its handlers in a registry (``tf2onnx.handler.tf_op``) filled by decorators when its
modules are imported: one dict per domain and per version ``N`` of the ``version_N`` handler method.
``create_mapping(opset, extra_opsets)`` merges every version ``<= opset``. This module asks that
registry, for every opset 1..max of the default domain and every version of each extra domain,
which op types are handled, and keeps for each op type the lowest version of each domain that
handles it. Reading the registry imports tf2onnx, and therefore TensorFlow (about 3 s), so it runs
in a child process; the inspector only reads the JSON it writes:

    python -m tfscout.converter.tables.support_table [OUT.json]

The table for the tf2onnx version tfscout pins is shipped as package data. When another version is
installed, :func:`tfscout.converter.tables.support_table_for_installed` regenerates it into the user
cache.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from tfscout.inspector import cached_table_path, table_to_json

# The TFLite front end registers TFLite -> TensorFlow translations under this domain at version 0;
# they are not handlers of TensorFlow ops and never serve a TensorFlow graph.
TFLITE_ONLY_DOMAINS = frozenset({"com.google.tensorflow"})


def _registry() -> tuple[Any, Any]:
    import tf2onnx.tfonnx  # noqa: F401 - importing it registers every handler module
    from tf2onnx import constants
    from tf2onnx.handler import tf_op

    return tf_op, constants


def generate_support_table() -> dict[str, Any]:
    """Ask the installed tf2onnx which op types it converts (imports tf2onnx and TensorFlow)."""
    import tf2onnx
    from onnx import helper

    tf_op, constants = _registry()
    default = constants.ONNX_DOMAIN
    max_opset = max(constants.OPSET_TO_IR_VERSION)
    registry = tf_op.get_opsets()
    domains = {d: len(versions) - 1 for d, versions in registry.items()
               if d != default and d not in TFLITE_ONLY_DOMAINS}
    ops: dict[str, dict[str, int]] = {}
    previous: set[str] = set()
    for opset in range(1, max_opset + 1):
        mapped = set(tf_op.create_mapping(opset, None))
        for op in sorted(mapped - previous):
            ops.setdefault(op, {})[default] = opset
        previous = mapped
    # handlers registered at versions above the highest opset tf2onnx targets: recorded, never reachable
    for version, handlers in enumerate(registry.get(default, [])):
        for op in handlers:
            ops.setdefault(op, {}).setdefault(default, version)
    base = set(tf_op.create_mapping(max_opset, None))
    for domain, top in sorted(domains.items()):
        handled = set(registry[domain][0])  # version 0 handlers serve any enabled version
        for version in range(1, top + 1):
            handled |= set(registry[domain][version])
            for op in sorted(handled):
                ops.setdefault(op, {}).setdefault(domain, version)
            # what create_mapping adds with this domain enabled is what the domain registered
            added = set(tf_op.create_mapping(max_opset, [helper.make_opsetid(domain, version)])) - base
            if not added <= handled:
                raise RuntimeError(f"tf2onnx's create_mapping adds {sorted(added - handled)[:5]} for {domain}")
    return {
        "tf2onnx_version": tf2onnx.__version__,
        "max_opset": max_opset,
        "default_opset": constants.PREFERRED_OPSET,
        "domains": dict(sorted(domains.items())),
        "ops": {op: dict(sorted(ops[op].items())) for op in sorted(ops)},
    }


def write_table(table: dict[str, Any], out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text(table_to_json(table))
    tmp.replace(out)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    table = generate_support_table()
    out = Path(args[0]) if args else cached_table_path(table["tf2onnx_version"])
    write_table(table, out)
    sys.stderr.write(f"wrote {len(table['ops'])} op types for tf2onnx {table['tf2onnx_version']} to {out}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
