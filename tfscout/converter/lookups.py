"""The contents of vocabulary tables handed between the children: the freeze child saves them (.npz, no
pickle), TensorFlow's sessions fill them before anything runs, and the tf2onnx driver gives them to tf2onnx
(see :mod:`tfscout.converter.surgery.tables` for where the contents come from).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


def _storable(array: Any) -> Any:
    """Strings as fixed-width bytes, so that .npz needs no pickle."""
    import numpy as np

    return np.array([bytes(v) for v in array.reshape(-1)], dtype="S") if array.dtype.kind == "O" else array


def _usable(array: Any) -> Any:
    import numpy as np

    return np.array([bytes(v) for v in array.reshape(-1)], dtype=object) if array.dtype.kind == "S" else array


def save_tables(tables: dict[str, tuple[bytes, Any, Any]], path: Path) -> str:
    import numpy as np

    arrays: dict[str, Any] = {}
    for k, (table, (shared, keys, values)) in enumerate(sorted(tables.items())):
        arrays[f"node_{k}"] = np.array(table.encode(), dtype="S")
        arrays[f"shared_{k}"] = np.array(shared, dtype="S")
        arrays[f"keys_{k}"] = _storable(keys)
        arrays[f"values_{k}"] = _storable(values)
    np.savez(path, **arrays)
    return str(path)


def load_tables(path: str) -> dict[str, tuple[bytes, Any, Any]]:
    """Table node -> (shared name, keys, values), as :func:`save_tables` wrote them."""
    import numpy as np

    data = np.load(path, allow_pickle=False)
    out = {}
    k = 0
    while f"node_{k}" in data:
        out[bytes(data[f"node_{k}"].item()).decode()] = (bytes(data[f"shared_{k}"].item()),
                                                         _usable(data[f"keys_{k}"]), _usable(data[f"values_{k}"]))
        k += 1
    return out


def fill_tables(sess: Any, graph: Any, path: str | None) -> None:
    """Fill the tables of an imported graph in ``sess`` (before the first run)."""
    if not path:
        return
    import tensorflow as tf

    ops = []
    with graph.as_default():
        for table, (_shared, keys, values) in load_tables(path).items():
            handle = graph.get_operation_by_name(table).outputs[0]
            ops.append(tf.raw_ops.LookupTableImportV2(table_handle=handle, keys=tf.constant(keys),
                                                      values=tf.constant(values)))
    sess.run(ops)
