"""tf.cond with a constant predicate: keep the live branch, delete the dead one (no TensorFlow needed).

Once a mode switch is a constant, every ``Switch`` it decides has a live and a dead output. The
consumers of the live output read the Switch's data input directly; nodes fed by the dead output
die as TensorFlow would kill them (any dead input, or a control input from a dead node), except
``Merge``, which dies only when all its inputs are dead and otherwise becomes an Identity of its
live input.
"""

from __future__ import annotations

from tfscout.converter.surgery.graphedit import GraphEdit, tensor_key
from tfscout.converter.surgery.repairs import SurgeryLog
from tfscout.inspector import optypes, split_tensor_name


def _const_bool(edit: GraphEdit, ref: str) -> bool | None:
    """The value of a boolean tensor built from constants through Identity and LogicalNot."""
    negate = False
    for _ in range(16):
        name, _port = split_tensor_name(ref)
        node = edit.nodes.get(name)
        if node is None:
            return None
        if node.op == "Const":
            t = node.attr["value"].tensor
            if t.bool_val:
                return bool(t.bool_val[0]) != negate
            if t.tensor_content:
                return bool(t.tensor_content[0]) != negate
            return None
        if (node.op in optypes.VALUE_IDENTITY_OPS or node.op == "LogicalNot") and node.input:
            if node.op == "LogicalNot":
                negate = not negate
            ref = next((i for i in node.input if not i.startswith("^")), "")
            continue
        return None
    return None


def fold_constant_switches(edit: GraphEdit, log: SurgeryLog, scope: set[str] | None = None) -> None:
    """Rewire around Switch nodes with a constant predicate and delete the dead branch.

    ``scope`` (the nodes the outputs need) only decides which Switch nodes the report counts.
    """
    decided: dict[str, bool] = {}
    for name, node in edit.nodes.items():
        if node.op in optypes.SWITCH_OPS and len(node.input) >= 2:
            value = _const_bool(edit, node.input[1])
            if value is not None:
                decided[name] = value
    if not decided:
        return
    dead: set[str] = set()
    dead_tensors: set[str] = set()
    for name, value in decided.items():
        data = tensor_key(edit.nodes[name].input[0])
        live_port, dead_port = (1, 0) if value else (0, 1)
        edit.rewire(f"{name}:{live_port}", data)
        dead_tensors.add(f"{name}:{dead_port}")
    _propagate_dead(edit, dead_tensors, dead, set(decided))
    edit.remove(dead | set(decided))
    for node_name in list(edit.nodes):
        gone = {i[1:] for i in edit.nodes[node_name].input if i.startswith("^") and i[1:] not in edit.nodes}
        if gone:
            edit.drop_control_inputs(node_name, gone)
    on_path = sorted(n for n in decided if scope is None or n in scope)
    if on_path:
        removed = len([n for n in dead if scope is None or n in scope])
        log.step("repair", "keep the live branch of constant conditions", "done",
                 f"{len(on_path)} Switch node(s) decided by a constant mode switch; {removed} node(s) on dead "
                 "branches removed", on_path)


def _propagate_dead(edit: GraphEdit, dead_tensors: set[str], dead: set[str], switches: set[str]) -> None:
    """Mark nodes dead as TensorFlow would: any dead input kills a node, except Merge, which needs all."""
    consumers = edit.consumers()
    control = edit.control_consumers()
    ports: dict[str, set[int]] = {}
    for tensor in consumers:
        name, port = split_tensor_name(tensor)
        ports.setdefault(name, set()).add(port)
    stack = list(dead_tensors)
    while stack:
        tensor = stack.pop()
        for dst, _k in consumers.get(tensor, []):
            node = edit.nodes.get(dst)
            if dst in dead or node is None or tensor not in edit.data_inputs(dst):
                continue
            if node.op in optypes.MERGE_OPS:
                _prune_merge(edit, dst, dead_tensors, dead)
                if dst not in dead:
                    continue
            dead.add(dst)
            _kill(dst, ports, control, dead, dead_tensors, stack, switches)


def _kill(name: str, ports: dict[str, set[int]], control: dict[str, list[str]], dead: set[str],
          dead_tensors: set[str], stack: list[str], switches: set[str]) -> None:
    pending = [name]
    while pending:
        current = pending.pop()
        for port in ports.get(current, set()):
            t = f"{current}:{port}"
            if t not in dead_tensors:
                dead_tensors.add(t)
                stack.append(t)
        for dst in control.get(current, []):
            if dst not in dead and dst not in switches:
                dead.add(dst)
                pending.append(dst)


def _prune_merge(edit: GraphEdit, name: str, dead_tensors: set[str], dead: set[str]) -> None:
    node = edit.nodes[name]
    data = [i for i in node.input if not i.startswith("^")]
    controls = [i for i in node.input if i.startswith("^")]
    live = [i for i in data if tensor_key(i) not in dead_tensors]
    if not live:
        dead.add(name)
        return
    if len(live) == 1:
        index = data.index(live[0])
        dtype = node.attr["T"].type
        node.op = "Identity"
        del node.input[:]
        node.input.extend([live[0]] + controls)
        for key in list(node.attr):
            if key != "_output_shapes":
                del node.attr[key]
        node.attr["T"].type = dtype
        index_const = edit.make_const(edit.unique_name(f"{name}/value_index"), index, "int32")
        edit.rewire(f"{name}:1", f"{index_const.name}:0")
        return
    del node.input[:]
    node.input.extend(live + controls)
    node.attr["N"].i = len(live)
