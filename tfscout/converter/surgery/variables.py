"""Variables to constants, with values read from the checkpoint (TensorFlow's checkpoint reader).

The graph's own Saver is never run: the key of each variable in the checkpoint is read from the
Saver's ``SaveV2``/``Save`` node (its ``tensor_names`` constant beside the tensors it saves), and
the values come from ``tf.train.load_checkpoint``. Without a Saver the key is the variable's name.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tfscout.converter.surgery.graphedit import GraphEdit, node_of
from tfscout.converter.surgery.repairs import SurgeryLog
from tfscout.errors import ModelProblem
from tfscout.inspector import optypes

# Where a Save op's tensors start among its inputs (after the prefix, the names and, in V2, the slices).
_FIRST_SAVED = {"Save": 2, "SaveV2": 3, "SaveSlices": 3}


def saver_keys(edit: GraphEdit) -> dict[str, tuple[str, str]]:
    """variable node -> (checkpoint key, slice spec) from the graph's Save nodes."""
    keys: dict[str, tuple[str, str]] = {}
    for node in edit.nodes.values():
        if node.op not in optypes.SAVE_OPS:
            continue
        inputs = [i for i in node.input if not i.startswith("^")]
        first = _FIRST_SAVED[node.op]
        names = _strings(edit, inputs[1]) if len(inputs) > 1 else None
        slices = _strings(edit, inputs[2]) if node.op != "Save" and len(inputs) > 2 else None
        if names is None:
            continue
        for k, ref in enumerate(inputs[first:]):
            var = _variable_behind(edit, ref)
            if var is not None and k < len(names):
                spec = slices[k] if slices and k < len(slices) else ""
                keys.setdefault(var, (names[k], spec))
    return keys


def _strings(edit: GraphEdit, ref: str) -> list[str] | None:
    node = edit.nodes.get(node_of(ref))
    if node is None or node.op != "Const":
        return None
    t = node.attr["value"].tensor
    return [s.decode("utf-8", "replace") for s in t.string_val]


def _variable_behind(edit: GraphEdit, ref: str) -> str | None:
    for _ in range(6):
        node = edit.nodes.get(node_of(ref))
        if node is None:
            return None
        if node.op in optypes.VARIABLE_OPS:
            return str(node.name)
        if node.op not in optypes.VARIABLE_READ_OPS or not node.input:
            return None
        ref = node.input[0]
    return None


def checkpoint_prefix_for(fmt: str, checkpoint_prefix: str | None, saved_model_dir: str | None) -> str | None:
    if checkpoint_prefix:
        return checkpoint_prefix
    if fmt == "saved_model" and saved_model_dir:
        prefix = Path(saved_model_dir) / "variables" / "variables"
        return str(prefix)
    return None


def _parse_slice(spec: str) -> tuple[list[int], list[tuple[int, int]]] | None:
    """``"10 20 0,5:-"`` -> ([10, 20], [(0, 5), (0, -1)])."""
    parts = spec.split()
    if len(parts) < 2:
        return None
    full = [int(p) for p in parts[:-1]]
    extents = []
    for piece in parts[-1].split(":"):
        if piece == "-":
            extents.append((0, -1))
        else:
            start, length = piece.split(",")
            extents.append((int(start), int(length)))
    return full, extents


def _reader_paths(prefix: str) -> list[str]:
    """The prefix itself (V2, or a V1 single file), then V1 shard patterns (``PREFIX-?????-of-NNNNN``)."""
    paths = [prefix]
    p = Path(prefix)
    shards = sorted(p.parent.glob(p.name + "-?????-of-?????")) if p.parent.is_dir() else []
    if shards:
        total = shards[0].name.rsplit("-of-", 1)[1]
        paths.append(f"{prefix}-?????-of-{total}")
    return paths


class CheckpointValues:
    """Values of the variables in a checkpoint, read lazily."""

    def __init__(self, prefix: str | None) -> None:
        self.prefix = prefix
        self.reader: Any = None
        self.error: str | None = None
        if prefix is None:
            return
        import tensorflow as tf

        for candidate in _reader_paths(prefix):
            try:
                self.reader = tf.train.load_checkpoint(candidate)
                self.error = None
                return
            except Exception as exc:  # noqa: BLE001 - TF raises several error types for unreadable checkpoints
                self.error = f"{type(exc).__name__}: {str(exc).splitlines()[0][:300] if str(exc) else ''}"

    def get(self, key: str, spec: str) -> Any:
        if self.reader is None or not self.reader.has_tensor(key):
            return None
        value = self.reader.get_tensor(key)
        parsed = _parse_slice(spec) if spec else None
        if parsed is None:
            return value
        _full, extents = parsed
        index = tuple(slice(s, None if n < 0 else s + n) for s, n in extents)
        return value[index]


def initial_values(original: GraphEdit, names: list[str], allow_unsafe: bool, model: str = "") -> dict[str, Any]:
    """Values the graph's own initializers give ``names`` (run in TensorFlow); {} when they cannot.

    The initializers are those the gate judged (``initial_value_tensors``), and the gate judges the
    pruned graph again before TensorFlow runs it, unless ``allow_unsafe``.
    """
    from tfscout.inspector import Graph, check_graph, initial_value_tensors

    graph = Graph(original.to_graph_def())
    index = {graph.find(name): name for name in names}
    found = initial_value_tensors(graph, [i for i in index if i is not None])
    if None in index or len(found) != len(names):
        return {}
    inits = {index[v]: graph.tensor_name(ref) for v, ref in found.items()}
    sub = GraphEdit(original.to_graph_def())
    sub.prune(list(inits.values()))
    if {node.op for node in sub.nodes.values()} & optypes.VARIABLE_OPS:
        return {}
    if not allow_unsafe:
        check_graph(Graph(sub.to_graph_def())).refuse(
            model, "freezing would run these variables' initializers in TensorFlow (there is no checkpoint)")
    for node in sub.nodes.values():
        node.device = ""
        if "_class" in node.attr:
            del node.attr["_class"]
    import tensorflow as tf

    graph_def = tf.compat.v1.GraphDef()
    graph_def.ParseFromString(sub.serialize())
    try:
        with tf.Graph().as_default() as tf_graph:
            tf.compat.v1.import_graph_def(graph_def, name="")
            with tf.compat.v1.Session(graph=tf_graph) as sess:
                computed = sess.run(list(inits.values()))
    except Exception:  # noqa: BLE001 - any failure means "no initial values"
        return {}
    return dict(zip(inits, computed, strict=True))


def freeze_variables(edit: GraphEdit, keys: dict[str, tuple[str, str]], values: CheckpointValues,
                     model: str, log: SurgeryLog, original: GraphEdit | None = None,
                     allow_unsafe: bool = False) -> None:
    """Replace every variable (and every read of a resource variable) with a Const of its value."""
    variables = [n for n, node in edit.nodes.items() if node.op in optypes.VARIABLE_OPS]
    if not variables:
        log.step("freeze", "variables to constants", "skipped", "no variables on the inference path")
        return
    missing = []
    found: dict[str, Any] = {}
    for name in variables:
        node = edit.nodes[name]
        key, spec = keys.get(name, (name, ""))
        if key == name and node.op == "VarHandleOp" and node.attr["shared_name"].s:
            key = node.attr["shared_name"].s.decode()
        value = values.get(key, spec)
        if value is None and key != name:
            value = values.get(name, "")
        if value is None:
            missing.append(name)
        else:
            found[name] = value
    initial = initial_values(original, missing, allow_unsafe, model) if missing and original is not None and \
        values.prefix is None else {}
    if missing and initial:
        found.update(initial)
        log.step("freeze", "variables without saved values", "warning",
                 f"no checkpoint: {len(missing)} variable(s) frozen at the values their initializers give "
                 "(an untrained model, as the file describes it)", sorted(missing))
        log.warnings.append("no checkpoint: the variables hold their initial values, not trained ones")
        missing = []
    if missing:
        where = f"the checkpoint {values.prefix}" if values.prefix else "no checkpoint"
        reason = f" ({values.error})" if values.error else ""
        raise ModelProblem(
            f"{len(missing)} variable(s) on the inference path have no saved value in {where}{reason}, "
            f"e.g. {', '.join(missing[:3])}",
            "put the checkpoint files (.index, .data-*) beside the .meta, or pass a frozen graph", path=model)
    consumers = edit.consumers()
    for name, value in found.items():
        node = edit.nodes[name]
        if node.op == "VarHandleOp":
            _freeze_resource(edit, name, value, consumers)
        else:
            edit.remove([name])
            edit.make_const(name, value, _dtype_of(node))
    total = sum(int(v.size) for v in found.values())
    source = f"from {values.prefix}" if values.prefix else "from their initializers"
    log.step("freeze", "variables to constants", "done", f"{len(found)} variable(s), {total:,} values, {source}",
             sorted(found))


def _dtype_of(node: Any) -> str | None:
    from tfscout.inspector import dtype_name

    return dtype_name(node.attr["dtype"].type) if "dtype" in node.attr else None


def _freeze_resource(edit: GraphEdit, name: str, value: Any, consumers: dict[str, list[tuple[str, int]]]) -> None:
    """Reads of a resource variable become constants; ResourceGather becomes GatherV2 on a constant."""
    dtype = _dtype_of(edit.nodes[name])
    const_name = edit.unique_name(f"{name}/tfscout_value")
    edit.make_const(const_name, value, dtype)
    _swap_reads(edit, name, f"{name}:0", f"{const_name}:0", dtype, consumers)
    edit.remove([name])


# Ops a resource handle passes through unchanged: into a while loop's frame (a recurrent cell's weights), or
# an identity. Once the handle is a value, they pass the value.
_HANDLE_PASS_OPS = frozenset({"Enter", "RefEnter", "Identity"})


def _swap_reads(edit: GraphEdit, name: str, handle: str, value: str, dtype: str | None,
                consumers: dict[str, list[tuple[str, int]]]) -> None:
    """Make every reader of the resource ``handle`` (variable ``name``) read ``value`` instead, through the ops
    that pass the handle on."""
    for dst, _k in consumers.get(handle, []):
        user = edit.nodes.get(dst)
        if user is None:
            continue
        if user.op == "ReadVariableOp":
            edit.rewire(f"{dst}:0", value)
            edit.remove([dst])
        elif user.op == "ResourceGather":
            indices = [i for i in user.input if not i.startswith("^")][1]
            axis = edit.make_const(edit.unique_name(f"{dst}/axis"), 0, "int32")
            tindices = user.attr["Tindices"].type
            user.op = "GatherV2"
            del user.input[:]
            user.input.extend([value, indices, f"{axis.name}:0"])
            for key in list(user.attr):
                if key != "_output_shapes":
                    del user.attr[key]
            edit.set_type_attr(user, "Tparams", dtype or "float32")
            user.attr["Tindices"].type = tindices
            user.attr["Taxis"].type = 3
            user.attr["batch_dims"].i = 0
        elif user.op in _HANDLE_PASS_OPS:
            for k, ref in enumerate(user.input):
                if ref in (handle, handle.removesuffix(":0")):
                    user.input[k] = value
            edit.set_type_attr(user, "T", dtype or "float32")
            if "_output_shapes" in user.attr:
                del user.attr["_output_shapes"]
            _swap_reads(edit, name, f"{dst}:0", f"{dst}:0", dtype, consumers)
        else:
            raise ModelProblem(f"the resource variable {name} is used by {user.op} ({dst}), which cannot be frozen",
                               "choose outputs that do not need it with --outputs")

