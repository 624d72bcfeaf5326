"""Graph surgery before tf2onnx, each pass a reported step (no TensorFlow needed).

- cut at the chosen inputs: a Placeholder of the right dtype and shape replaces whatever fed them;
- mode switches become constants of their inference value;
- PlaceholderWithDefault nodes nobody feeds take their default;
- prune to the outputs, dropping control dependencies on Assert, update and debug ops;
- Print and CheckNumerics become Identity.

(A Switch whose predicate is now a constant keeps only its live branch: see ``branches``.)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tfscout.converter.plan import PlannedInput, PlannedSwitch
from tfscout.converter.report import Step
from tfscout.converter.surgery.graphedit import GraphEdit, as_identity, node_of
from tfscout.inspector import dtype_name, optypes, split_tensor_name

MAX_NODES_LISTED = 12


@dataclass
class SurgeryLog:
    """Steps taken so far, and the names under which the inputs are fed in the frozen graph."""

    steps: list[Step] = field(default_factory=list)
    feed_names: dict[str, str] = field(default_factory=dict)  # original tensor -> frozen tensor
    extra_inputs: list[PlannedInput] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def step(self, stage: str, name: str, status: str, detail: str = "", nodes: list[str] | None = None) -> None:
        self.steps.append(Step(stage, name, status, detail, list(nodes or [])[:MAX_NODES_LISTED]))


def _attr_dtype(node: Any, key: str = "dtype") -> str | None:
    return dtype_name(node.attr[key].type) if key in node.attr else None


# ---------------------------------------------------------------------------------------------
# Inputs


def cut_inputs(edit: GraphEdit, inputs: list[PlannedInput], log: SurgeryLog) -> None:
    """Feed each input through a Placeholder; whatever produced a cut tensor is left to be pruned."""
    cut: list[str] = []
    defaults: list[str] = []
    for spec in inputs:
        node_name, port = split_tensor_name(spec.name)
        node = edit.nodes[node_name]
        dtype = spec.dtype or _attr_dtype(node) or "float32"
        if node.op in optypes.PLAIN_PLACEHOLDER_OPS and port == 0:
            edit.set_shape_attr(node, "shape", spec.shape)
            log.feed_names[spec.name] = spec.name
            continue
        if node.op == "PlaceholderWithDefault" and port == 0:
            del node.input[:]
            node.op = "Placeholder"
            edit.set_shape_attr(node, "shape", spec.shape)
            log.feed_names[spec.name] = spec.name
            defaults.append(node_name)
            continue
        feed = edit.unique_name(f"{node_name}/tfscout_input_{port}")
        edit.rewire(spec.name, f"{feed}:0")
        placeholder = edit.make_placeholder(feed, dtype, spec.shape)
        placeholder.attr["_tfscout_replaces"].s = spec.name.encode()
        log.feed_names[spec.name] = f"{feed}:0"
        cut.append(spec.name)
    if cut:
        log.step("repair", "cut at the chosen inputs", "done",
                 f"a Placeholder now feeds {', '.join(cut)}; the pipeline above it (queues, iterators, "
                 "file reading, decoding) is cut away", cut)
    if defaults:
        log.step("repair", "feed PlaceholderWithDefault inputs", "done",
                 "chosen as inputs, so their default values are no longer used", defaults)


def name_cut_inputs(edit: GraphEdit, log: SurgeryLog) -> None:
    """After pruning, a cut Placeholder takes the name of the node it replaced when that node is gone
    and the tensor was port 0, so that the frozen graph reads like the original."""
    for original, feed in list(log.feed_names.items()):
        if original == feed:
            continue
        node_name, port = split_tensor_name(original)
        feed_node = node_of(feed)
        if port != 0 or node_name in edit:
            continue
        node = edit.nodes.pop(feed_node)
        node.name = node_name
        del node.attr["_tfscout_replaces"]
        edit.nodes[node_name] = node
        edit.rewire(feed, f"{node_name}:0")
        log.feed_names[original] = original
    for name in list(log.feed_names.values()):
        node = edit.nodes.get(node_of(name))
        if node is not None and "_tfscout_replaces" in node.attr:
            del node.attr["_tfscout_replaces"]


def freeze_mode_switches(edit: GraphEdit, switches: list[PlannedSwitch], log: SurgeryLog) -> None:
    done = []
    for sw in switches:
        node_name, _port = split_tensor_name(sw.name)
        node = edit.nodes.get(node_name)
        if node is None:
            continue
        dtype = _attr_dtype(node) or sw.dtype or "float32"
        shape = [d.size for d in node.attr["shape"].shape.dim] if "shape" in node.attr and \
            not node.attr["shape"].shape.unknown_rank else []
        shape = shape if shape and all(d > 0 for d in shape) else []
        edit.remove([node_name])
        const = edit.make_const(node_name, _full(shape, sw.value, dtype), dtype)
        del const.input[:]
        done.append(f"{sw.name} = {sw.value!r}")
    if done:
        log.step("repair", "mode switches become constants", "done",
                 "inference values: " + ", ".join(done), [s.name for s in switches])


def _full(shape: list[int], value: Any, dtype: str) -> Any:
    import numpy as np

    return np.full(shape, value, dtype=np.bool_ if dtype == "bool" else np.dtype(dtype))


def use_defaults(edit: GraphEdit, keep: set[str], log: SurgeryLog) -> None:
    """PlaceholderWithDefault nodes that are neither inputs nor switches take their default value."""
    used = []
    for name in keep:
        node = edit.nodes.get(name)
        if node is None or node.op != "PlaceholderWithDefault" or not node.input:
            continue
        as_identity(node, dtype_attr="dtype")
        used.append(name)
    if used:
        log.step("repair", "unfed PlaceholderWithDefault nodes take their default", "done",
                 "not chosen as inputs: they keep the value built into the graph", sorted(used))


# ---------------------------------------------------------------------------------------------
# Pruning and debug ops


class ControlPolicy:
    """Which control dependencies survive at inference.

    Dropped: those on side-effect ops (Assert, updates, prints, summaries, NoOp groups), and those on
    nodes the outputs do not need as data whose own inputs lead to such ops (the cond guarding an
    Assert, an Identity waiting for an update). Kept: everything else, such as the control inputs
    that place constants inside a tf.cond branch or a while loop.
    """

    def __init__(self, edit: GraphEdit, outputs: list[str]) -> None:
        self.edit = edit
        self.data_needed = edit.ancestors(outputs, lambda _s, _d: False)
        self.dropped: dict[str, set[str]] = {}
        self._verdict: dict[str, bool] = {}

    def __call__(self, src: str, _dst: str) -> bool:
        node = self.edit.nodes.get(src)
        if node is None:
            return False
        if node.op in optypes.SIDE_EFFECT_OPS:
            self.dropped.setdefault(node.op, set()).add(src)
            return False
        if src in self.data_needed:
            return True
        if src not in self._verdict:
            effects = self._side_effects_behind(src)
            for name in effects:
                self.dropped.setdefault(self.edit.op(name), set()).add(name)
            self._verdict[src] = not effects
        return self._verdict[src]

    def _side_effects_behind(self, src: str, limit: int = 5000) -> list[str]:
        seen: set[str] = set()
        stack = [src]
        found = []
        while stack and len(seen) < limit:
            name = stack.pop()
            if name in seen or name not in self.edit.nodes:
                continue
            seen.add(name)
            if name != src and name in self.data_needed:
                continue  # what lies behind a needed node is judged at its own control edges
            node = self.edit.nodes[name]
            if node.op in optypes.SIDE_EFFECT_OPS and node.op not in optypes.NO_DATA_OPS:
                found.append(name)
                continue
            stack.extend(node_of(i) for i in node.input)
        return found


def prune_to_outputs(edit: GraphEdit, outputs: list[str], log: SurgeryLog, stage: str = "freeze") -> None:
    """Keep what the outputs need; control dependencies on side effects are dropped and reported."""
    policy = ControlPolicy(edit, outputs)
    before = len(edit)
    keep = edit.ancestors(outputs, policy)
    edit.remove([n for n in list(edit.nodes) if n not in keep])
    for name in keep:
        node = edit.nodes.get(name)
        if node is not None:
            edit.drop_control_inputs(name, {i[1:] for i in node.input if i.startswith("^") and i[1:] not in keep})
    log.step(stage, "prune to the outputs", "done", f"kept {len(edit)} of {before} nodes")
    dropped = policy.dropped
    asserts = sorted(dropped.pop("Assert", set()))
    if asserts:
        log.step("repair", "drop control dependencies on Assert", "done",
                 f"{len(asserts)} Assert node(s) no longer run at inference", asserts)
    updates = sorted(n for op in optypes.ASSIGN_OPS for n in dropped.pop(op, set()))
    if updates:
        log.step("repair", "drop control dependencies on variable updates", "done",
                 f"{len(updates)} update op(s) (moving averages, counters) no longer run at inference", updates)
    rest = sorted(n for names in dropped.values() for n in names)
    if rest:
        log.step("repair", "drop control dependencies on other side effects", "done",
                 f"{len(rest)} node(s) (NoOp groups, prints, summaries) no longer run", rest)


def convert_fix(op: str) -> str | None:
    """What ``tfscout convert`` does on its own to an op type that tf2onnx would not convert, or None."""
    if op in optypes.BYPASSED_DEBUG_OPS:
        return "tfscout convert bypasses it (an identity at inference)"
    return None


def bypass_debug_ops(edit: GraphEdit, log: SurgeryLog) -> None:
    """Print and CheckNumerics are identities at inference (tf2onnx cannot convert Print)."""
    bypassed = []
    for name, node in edit.nodes.items():
        if node.op not in optypes.BYPASSED_DEBUG_OPS or not node.input:
            continue
        first = next((i for i in node.input if not i.startswith("^")), None)
        if first is None:
            continue
        as_identity(node, first)
        bypassed.append(name)
    if bypassed:
        log.step("repair", "bypass Print and CheckNumerics", "done",
                 f"{len(bypassed)} debug op(s) on the path become Identity", bypassed)
