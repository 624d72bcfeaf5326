"""Training-mode graphs to inference mode (no TensorFlow needed).

- Batch norm in training mode uses the batch's statistics; at inference it must use the moving
  mean and variance. They are found through the update ops a training graph carries
  (``AssignSub(moving_mean, (moving_mean - batch_mean) * decay)`` and its relatives): the variable
  an update op moves towards a batch statistic is that statistic's moving average.
- Active dropout (``x / keep * floor(keep + U)`` or ``x * scale * (U >= rate)``) becomes ``x``.

When neither can be done, the step says so: the ONNX numbers will then follow training mode.
"""

from __future__ import annotations

from tfscout.converter.surgery.graphedit import GraphEdit, as_identity, node_of, tensor_key
from tfscout.converter.surgery.repairs import SurgeryLog
from tfscout.inspector import optypes

_HOPS = 10


def _variable_of(edit: GraphEdit, ref: str) -> str | None:
    """The variable node behind a tensor read through Identity/ReadVariableOp, if any."""
    for _ in range(6):
        name = node_of(ref)
        node = edit.nodes.get(name)
        if node is None:
            return None
        if node.op in optypes.VARIABLE_OPS:
            return name
        if node.op not in optypes.VARIABLE_READ_OPS or not node.input:
            return None
        ref = node.input[0]
    return None


def tracked_statistics(edit: GraphEdit) -> dict[str, str]:
    """Tensor -> the variable that an update op keeps as its moving average."""
    found: dict[str, str] = {}
    for node in edit.nodes.values():
        if node.op not in optypes.MOVING_AVERAGE_UPDATE_OPS or len(node.input) < 2:
            continue
        var = _variable_of(edit, node.input[0])
        if var is None:
            continue
        if node.op in optypes.ASSIGN_VALUE_OPS:
            # newer fused batch norm writes the running average it computed itself
            value = tensor_key(node.input[1])
            if edit.nodes.get(node_of(value)) is not None and edit.op(node_of(value)) in optypes.BATCH_NORM_OPS:
                found.setdefault(value, var)
            continue
        stat = _statistic_in(edit, tensor_key(node.input[1]), var)
        if stat is not None:
            found.setdefault(stat, var)
    return found


def _statistic_in(edit: GraphEdit, value: str, var: str) -> str | None:
    """In ``(var - stat) * decay`` (or ``stat - var``), return ``stat``."""
    stack = [(value, 0)]
    seen: set[str] = set()
    while stack:
        ref, depth = stack.pop()
        name = node_of(ref)
        if name in seen or depth > 4:
            continue
        seen.add(name)
        node = edit.nodes.get(name)
        if node is None or node.op not in optypes.MOVING_AVERAGE_MATH_OPS:
            continue
        inputs = [tensor_key(i) for i in node.input if not i.startswith("^")]
        if node.op == "Sub" and len(inputs) == 2:
            a, b = inputs
            if _variable_of(edit, a) == var and _variable_of(edit, b) is None:
                return b
            if _variable_of(edit, b) == var and _variable_of(edit, a) is None:
                return a
        stack.extend((i, depth + 1) for i in inputs)
    return None


def _read_of(edit: GraphEdit, var: str, near: str) -> str:
    """A tensor holding the variable's value: the variable itself, or a new ReadVariableOp for a resource."""
    node = edit.nodes[var]
    if node.op != "VarHandleOp":
        return f"{var}:0"
    name = edit.unique_name(f"{near}/tfscout_read_{var.replace('/', '_')}")
    read = edit.new_node(name, "ReadVariableOp", [var])
    read.attr["dtype"].type = node.attr["dtype"].type
    return f"{name}:0"


def inference_batch_norm(edit: GraphEdit, keep: set[str], log: SurgeryLog) -> None:
    stats = tracked_statistics(edit)
    fixed, left = [], []
    for name in sorted(keep):
        node = edit.nodes.get(name)
        if node is None or node.op not in optypes.BATCH_NORM_OPS:
            continue
        if "is_training" not in node.attr or not node.attr["is_training"].b:
            continue
        mean_var, var_var = stats.get(f"{name}:1"), stats.get(f"{name}:2")
        if mean_var is None or var_var is None:
            left.append(name)
            continue
        mean, variance = _read_of(edit, mean_var, name), _read_of(edit, var_var, name)
        inputs = list(node.input)
        data = [i for i in inputs if not i.startswith("^")]
        controls = [i for i in inputs if i.startswith("^")]
        del node.input[:]
        node.input.extend(data[:3] + [mean, variance] + controls)
        node.attr["is_training"].b = False
        fixed.append(name)
    fixed_unfused = _unfused_statistics(edit, keep, stats)
    if fixed or fixed_unfused:
        parts = []
        if fixed:
            parts.append(f"{len(fixed)} fused batch norm(s)")
        if fixed_unfused:
            parts.append(f"{len(fixed_unfused)} batch statistic(s) of unfused batch norms")
        log.step("repair", "batch norm to inference mode", "done",
                 " and ".join(parts) + " now use the moving mean and variance instead of the batch's",
                 fixed + fixed_unfused)
    if left:
        log.step("repair", "batch norm to inference mode", "warning",
                 f"{len(left)} batch norm(s) run in training mode and no moving averages were found: the "
                 "ONNX numbers will follow training mode (statistics of each batch)", left)
        log.warnings.append("batch norm in training mode without moving averages: outputs depend on the batch")


def _unfused_statistics(edit: GraphEdit, keep: set[str], stats: dict[str, str]) -> list[str]:
    """tf.nn.moments batch norm: the batch mean/variance on the inference path become the moving ones."""
    fixed = []
    consumers = edit.consumers()
    for stat, var in stats.items():
        producer = node_of(stat)
        if producer not in keep or edit.op(producer) in optypes.BATCH_NORM_OPS:
            continue
        users = {dst for dst, _k in consumers.get(stat, []) if dst in keep}
        if not users:
            continue
        edit.rewire(stat, _read_of(edit, var, producer), only=users)
        fixed.append(producer)
    return fixed


# ---------------------------------------------------------------------------------------------
# Dropout


def _const_only(edit: GraphEdit, ref: str) -> bool:
    """Does the tensor depend on constants only (through any ops)?"""
    stack = [node_of(ref)]
    seen: set[str] = set()
    while stack:
        name = stack.pop()
        if name in seen:
            continue
        seen.add(name)
        node = edit.nodes.get(name)
        if node is None or node.op in optypes.PLACEHOLDER_OPS or node.op in optypes.VARIABLE_OPS:
            return False
        if node.op in optypes.RANDOM_OPS or node.op in optypes.SHAPE_OPS:
            return False
        stack.extend(node_of(i) for i in node.input if not i.startswith("^"))
        if len(seen) > 64:
            return False
    return True


def _is_random_mask(edit: GraphEdit, ref: str) -> bool:
    """A tensor made from RandomUniform and constants (and shapes) only: a dropout mask."""
    stack = [(node_of(ref), 0)]
    seen: set[str] = set()
    random = False
    while stack:
        name, depth = stack.pop()
        if name in seen:
            continue
        seen.add(name)
        node = edit.nodes.get(name)
        if node is None or depth > _HOPS:
            return False
        if node.op in optypes.SHAPE_OPS or node.op == "Const":
            continue
        if node.op == "RandomUniform":
            random = True
            continue
        if node.op not in optypes.DROPOUT_MASK_OPS:
            return False
        stack.extend((node_of(i), depth + 1) for i in node.input if not i.startswith("^"))
    return random


def _dropped_input(edit: GraphEdit, scaled: str) -> str | None:
    """In ``x / keep`` or ``x * scale`` with a constant keep/scale, return ``x``."""
    node = edit.nodes.get(node_of(scaled))
    if node is None or node.op not in optypes.DROPOUT_SCALE_OPS:
        return None
    data = [tensor_key(i) for i in node.input if not i.startswith("^")]
    if len(data) != 2:
        return None
    a, b = data
    if node.op in optypes.DIV_OPS:
        return a if _const_only(edit, b) else None
    if _const_only(edit, b) and not _const_only(edit, a):
        return a
    if _const_only(edit, a) and not _const_only(edit, b):
        return b
    return None



def remove_dropout(edit: GraphEdit, keep: set[str], log: SurgeryLog) -> None:
    removed = []
    for name in sorted(keep):
        node = edit.nodes.get(name)
        if node is None:
            continue
        data = [tensor_key(i) for i in node.input if not i.startswith("^")]
        source = None
        if node.op == "Mul" and len(data) == 2:
            for mask, scaled in ((data[0], data[1]), (data[1], data[0])):
                if _is_random_mask(edit, mask):
                    source = _dropped_input(edit, scaled)
                    break
        elif node.op in optypes.SELECT_OPS and len(data) == 3 and _is_random_mask(edit, data[0]):
            zeros = edit.nodes.get(node_of(data[2]))
            if zeros is not None and (zeros.op == "ZerosLike" or _const_only(edit, data[2])):
                source = _dropped_input(edit, data[1])
        if source is not None:
            as_identity(node, source)
            removed.append(name)
    if removed:
        log.step("repair", "active dropout becomes identity", "done",
                 f"{len(removed)} dropout(s) with a fixed rate no longer drop units", removed)


def random_ops_left(edit: GraphEdit, log: SurgeryLog) -> None:
    left = sorted(n for n, node in edit.nodes.items() if node.op in optypes.RANDOM_OPS)
    if left:
        log.step("repair", "random ops on the inference path", "warning",
                 f"{len(left)} random op(s) remain: the outputs are random, so TensorFlow and ONNX cannot agree",
                 left)
        log.warnings.append("random ops remain on the inference path: outputs are not deterministic")
