"""Vocabulary tables whose contents are constants of the graph (Estimator and TFX exports).

A feature column's vocabulary list becomes a ``HashTableV2`` filled by an initializer op
(``LookupTableImportV2``, ``InitializeTableV2``) from two constants; the initializer runs with the
SavedModel's init op, which freezing does not keep. The contents are read here from those constants, then
given to TensorFlow's runs (the tables are filled in each session before anything runs) and to tf2onnx
(which maps a lookup of a filled table to ONNX-ML's CategoryMapper). Tables filled from a file or by
anything else are left alone (TensorFlow then says "Table not initialized"). Runs in the freeze child.
"""

from __future__ import annotations

from typing import Any

from tfscout.converter.surgery.graphedit import GraphEdit, node_of
from tfscout.converter.surgery.repairs import SurgeryLog

TABLE_OPS = frozenset({"HashTableV2", "HashTable"})
TABLE_FILL_OPS = frozenset({"LookupTableImportV2", "LookupTableImport", "InitializeTableV2", "InitializeTable"})
_THROUGH = frozenset({"Identity"})


def _table_of(edit: GraphEdit, ref: str) -> str | None:
    for _ in range(4):
        node = edit.nodes.get(node_of(ref))
        if node is None:
            return None
        if node.op in TABLE_OPS:
            return str(node.name)
        if node.op not in _THROUGH or not node.input:
            return None
        ref = node.input[0]
    return None


def _array(node: Any) -> Any:
    import tensorflow as tf

    proto = tf.make_tensor_proto(0)
    proto.ParseFromString(node.attr["value"].tensor.SerializeToString())
    return tf.make_ndarray(proto)


def _constant(edit: GraphEdit, ref: str, depth: int = 0) -> Any:
    """The value of ``ref`` when it is a constant, or a Cast, Identity or Range of constants; else None."""
    import numpy as np

    from tfscout.inspector import dtype_name

    node = edit.nodes.get(node_of(ref))
    if node is None or depth > 4:
        return None
    if node.op == "Const":
        return _array(node)
    inputs = [_constant(edit, i, depth + 1) for i in node.input if not i.startswith("^")]
    if any(v is None for v in inputs):
        return None
    if node.op == "Identity" and inputs:
        return inputs[0]
    if node.op == "Cast" and inputs:
        return inputs[0].astype(np.dtype(dtype_name(node.attr["DstT"].type) or "float32"))
    if node.op == "Range" and len(inputs) == 3:
        return np.arange(inputs[0], inputs[1], inputs[2]).astype(inputs[0].dtype)
    return None


def constant_tables(edit: GraphEdit, original: GraphEdit, log: SurgeryLog) -> dict[str, tuple[bytes, Any, Any]]:
    """Table node in ``edit`` -> (shared name, keys, values), for tables filled from constants in ``original``."""
    wanted = {name for name, node in edit.nodes.items() if node.op in TABLE_OPS}
    found: dict[str, tuple[bytes, Any, Any]] = {}
    if not wanted:
        return found
    for node in original.nodes.values():
        if node.op not in TABLE_FILL_OPS or len(node.input) < 3:
            continue
        table = _table_of(original, node.input[0])
        if table not in wanted:
            continue
        keys, values = (_constant(original, ref) for ref in node.input[1:3])
        if keys is None or values is None:
            continue
        shared = bytes(edit.nodes[table].attr["shared_name"].s) if "shared_name" in edit.nodes[table].attr else b""
        found[table] = (shared or table.encode(), keys, values)
    if found:
        log.step("freeze", "vocabulary tables to constants", "done",
                 f"{len(found)} table(s) filled from constants of the graph ("
                 + ", ".join(f"{name}: {len(keys)} keys" for name, (_s, keys, _v) in sorted(found.items()))
                 + "); TensorFlow's runs fill them first, and tf2onnx gets their contents", sorted(found))
    missing = sorted(wanted - set(found))
    if missing:
        log.step("freeze", "vocabulary tables to constants", "warning",
                 f"{', '.join(missing)} not filled from constants of the graph (a vocabulary file?): TensorFlow "
                 "cannot look anything up in them", missing)
    return found
