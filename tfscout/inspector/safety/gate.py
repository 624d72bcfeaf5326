"""The one gate: what tfscout lets TensorFlow run on the user's behalf.

Safety is an allowlist (:mod:`tfscout.inspector.safety.allowlist`): only op types known to be safe may
run. :func:`check_graph` finds every node that would run when TensorFlow computes the chosen outputs
and judges each one:

- the walk goes per tensor: a fed tensor's producer does not run unless another of its outputs is
  needed, and then it runs with all of its inputs; control dependencies run what they name;
- every function a running node reaches through any attribute (a func, a list of funcs, the funcs in
  their own attributes, nested; a node whose op is a function's name), and the registered gradient
  (``library.gradient``) of every function reached;
- a GraphDef serialized in a constant that an op would run (``DatasetFromGraph``);
- with ``initializers``, what the initializers of the variables that run compute (when there is no
  checkpoint, freezing runs them to get the variables' values); the Saver's restore ops are never run.

The :class:`SafetyVerdict` lists what is not known to be safe, where and why, and
:meth:`SafetyVerdict.refuse` raises the one refusal error of freeze, convert, verify, ``check --confirm``
and the TUI; ``--allow-unsafe`` is not calling it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from tfscout.errors import UnsafeModelError
from tfscout.inspector import optypes
from tfscout.inspector.graph import (
    Graph,
    TensorRef,
    function_gradients,
    function_library,
    named_functions,
)
from tfscout.inspector.load import GraphDef, ModelSource
from tfscout.inspector.report import Finding, UnsafeOp
from tfscout.inspector.safety.allowlist import Allowlist, default_allowlist

# What comes of running what is refused, as the refusal says it.
CONVERTING = "converting runs the graph in TensorFlow (tfscout's reference run and tf2onnx's constant folding)"
FREEZING = "freezing runs the graph in TensorFlow"
CONFIRMING = "a tf2onnx trial conversion runs the graph in TensorFlow (it folds constants)"
# A GraphDef held in a constant is followed this deep (a graph in a constant of a graph in a constant ...).
_MAX_NESTED_GRAPHS = 4
_SHOWN = 4
ON_PATH = "on the path"


@dataclass
class SafetyVerdict:
    """Every op not known to be safe in a graph, its functions and the graphs its constants hold."""

    findings: list[Finding] = field(default_factory=list)

    @property
    def refused(self) -> list[Finding]:
        """What would run: refused unless the user passes --allow-unsafe."""
        return [f for f in self.findings if f.runs]

    @property
    def safe(self) -> bool:
        return not self.refused

    def unsafe_ops(self) -> list[UnsafeOp]:
        """The findings grouped by op type (the JSON contract's ``unsafe_ops``), those that run first."""
        groups: dict[str, UnsafeOp] = {}
        for f in self.findings:
            group = groups.setdefault(f.op, UnsafeOp(op=f.op, nodes=[]))
            group.nodes.append(f.node)
            if f.reason not in group.reasons:
                group.reasons.append(f.reason)
            group.in_subgraph = group.in_subgraph or f.runs
        return sorted(groups.values(), key=lambda u: (not u.in_subgraph, u.op))

    def refuse(self, path: str, consequence: str = CONVERTING) -> None:
        """Raise :class:`UnsafeModelError` when anything not known to be safe would run."""
        refused = self.refused
        if not refused:
            return
        by_op: dict[str, list[Finding]] = {}
        for f in refused:
            by_op.setdefault(f.op, []).append(f)
        parts = []
        for op, found in list(by_op.items())[:_SHOWN]:
            first = found[0]
            more = f" and {len(found) - 1} more" if len(found) > 1 else ""
            parts.append(f"{op} ({first.reason}; node {first.node}{more}, {first.where})")
        if len(by_op) > _SHOWN:
            parts.append(f"and {len(by_op) - _SHOWN} more op types")
        raise UnsafeModelError(
            f"ops not known to be safe would run: {'; '.join(parts)}; {consequence}",
            "choose --inputs/--outputs that leave them out, or pass --allow-unsafe if you trust this model",
            path=path)


def check_graph(graph: Graph, outputs: Iterable[TensorRef] | None = None, fed: Iterable[TensorRef] = (),
                initializers: bool = False, allowlist: Allowlist | None = None) -> SafetyVerdict:
    """Judge what runs when TensorFlow computes ``outputs`` with ``fed`` fed (None: every node runs,
    as for a frozen graph about to be imported and run whole), and list every op not known to be safe.

    With ``initializers``, the initializers of the variables that run are run too (no checkpoint).
    """
    return _Gate(graph, allowlist or default_allowlist()).verdict(outputs, fed, initializers)


def check_interface(source: ModelSource, graph: Graph, outputs: Iterable[TensorRef], fed: Iterable[TensorRef],
                    allowlist: Allowlist | None = None) -> SafetyVerdict:
    """:func:`check_graph` of what converting ``source`` runs: the outputs with ``fed`` fed, and the
    variables' initializers when there is no checkpoint to read their values from."""
    return check_graph(graph, outputs, fed, initializers=runs_initializers(source), allowlist=allowlist)


def runs_initializers(source: ModelSource) -> bool:
    """Freezing computes the variables' values with their initializers only when there is no checkpoint
    (a SavedModel always has its ``variables/`` prefix; a missing value there is an error, not an
    initializer run)."""
    return source.checkpoint_prefix is None and source.saved_model_dir is None


def initial_value_tensors(graph: Graph, variables: Iterable[int]) -> dict[int, TensorRef]:
    """The tensor each variable's initializer assigns to it: the ``Assign``/``AssignVariableOp`` named
    ``VAR/Assign`` when there is one, else the first that does not assign a restored value."""
    wanted = set(variables)
    found: dict[int, TensorRef] = {}
    for i, op in enumerate(graph.ops):
        if op not in optypes.ASSIGN_VALUE_OPS or len(graph.inputs[i]) < 2:
            continue
        (target, _), (src, port) = graph.inputs[i][0], graph.inputs[i][1]
        if target not in wanted or graph.ops[src] in optypes.SAVE_RESTORE_OPS:
            continue
        if target not in found or graph.names[i] == f"{graph.names[target]}/Assign":
            found[target] = TensorRef(src, port)
    return found


class _Gate:
    def __init__(self, graph: Graph, allowlist: Allowlist, depth: int = 0, prefix: str = "") -> None:
        self.graph = graph
        self.allowlist = allowlist
        self.library = function_library(graph)
        self.gradients = function_gradients(graph) if self.library else {}
        self.depth = depth
        self.prefix = prefix  # names the held GraphDef's constant in a nested gate
        self.findings: list[Finding] = []

    def verdict(self, outputs: Iterable[TensorRef] | None, fed: Iterable[TensorRef],
                initializers: bool) -> SafetyVerdict:
        g = self.graph
        if outputs is None:
            runs = {i: "in the graph that runs" for i in range(len(g))}
        else:
            feeds: dict[int, set[int]] = {}
            for ref in fed:
                feeds.setdefault(ref.node, set()).add(ref.port)
            runs = self._walk([(r, ON_PATH) for r in outputs], feeds)
        if initializers:
            variables = [i for i in runs if g.ops[i] in optypes.VARIABLE_OPS]
            starts = [(ref, f"in the initializer of variable {g.names[v]}")
                      for v, ref in sorted(initial_value_tensors(g, variables).items())]
            for i, why in self._walk(starts, {}).items():
                runs.setdefault(i, why)
        known = self.allowlist.known
        for i, op in enumerate(g.ops):
            if not known(op):
                self._judge(op, g.node(i).attr, g.names[i], runs.get(i, ""))
        self._functions(runs)
        self._held_graphs(runs)
        return SafetyVerdict(self.findings)

    def _walk(self, starts: list[tuple[TensorRef, str]], feeds: dict[int, set[int]]) -> dict[int, str]:
        """Node -> why it runs, for the nodes TensorFlow runs to compute ``starts``: data edges first (so
        that what the outputs read is "on the path"), then control dependencies."""
        g = self.graph
        runs: dict[int, str] = {}
        data = [(r.node, why) for r, why in starts if r.port not in feeds.get(r.node, ())]
        control: list[tuple[int, str]] = []
        while data or control:
            i, why = data.pop() if data else control.pop()
            if i in runs:
                continue
            runs[i] = why
            for src, port in g.inputs[i]:
                if src not in runs and port not in feeds.get(src, ()):
                    data.append((src, why))
            for src in g.control_inputs[i]:
                if src not in runs:
                    control.append((src, _behind(why, g.names[i])))
        return runs

    def _judge(self, op: str, attrs: Any, name: str, where: str) -> None:
        if self.allowlist.known(op) or op in self.library:
            return
        reason = self.allowlist.judge(op, attrs)
        if reason is not None:
            self.findings.append(Finding(op, self.prefix + name, reason, where))

    def _functions(self, runs: dict[int, str]) -> None:
        """Judge every function body, with where it runs when a running node reaches it."""
        if not self.library:
            return
        g = self.graph
        reached: dict[str, str] = {}
        stack = [(f, f"in function {f}, called by {g.names[i]}")
                 for i in runs for f in named_functions(g.ops[i], g.node(i).attr, self.library)]
        while stack:
            name, why = stack.pop()
            if name in reached:
                continue
            reached[name] = why
            for node in self.library[name].node_def:
                stack.extend((f, f"in function {f}, reached from function {name}")
                             for f in named_functions(node.op, node.attr, self.library) if f not in reached)
            gradient = self.gradients.get(name)
            if gradient in self.library and gradient not in reached:
                stack.append((gradient, f"in function {gradient}, the registered gradient of {name}"))
        for name, function in self.library.items():
            for node in function.node_def:
                self._judge(node.op, node.attr, f"{name}/{node.name}", reached.get(name, ""))

    def _held_graphs(self, runs: dict[int, str]) -> None:
        """A GraphDef serialized in a constant that a running op runs: judged whole, as it would run."""
        if self.depth >= _MAX_NESTED_GRAPHS:
            return
        g = self.graph
        for i in runs:
            slot = optypes.GRAPH_RUNNING_OPS.get(g.ops[i])
            if slot is None or slot >= len(g.inputs[i]):
                continue
            holder = g.inputs[i][slot][0]
            inner = _held_graph_def(g, holder)
            if inner is None:
                continue
            nested = _Gate(Graph(inner), self.allowlist, self.depth + 1, f"{self.prefix}{g.names[holder]} > ")
            for f in nested.verdict(None, (), False).findings:
                where = f"in the GraphDef that {g.names[holder]} holds, run by {g.names[i]}"
                self.findings.append(Finding(f.op, f.node, f.reason, where))


def _behind(why: str, name: str) -> str:
    """Why a node runs that a node running for ``why`` names as a control dependency."""
    origin = why.split(", behind a control dependency of ")[0]
    if origin == ON_PATH or origin.startswith("behind "):
        return f"behind a control dependency of {name}"
    return f"{origin}, behind a control dependency of {name}"


def _held_graph_def(graph: Graph, holder: int) -> GraphDef | None:
    """The GraphDef a string constant holds, or None."""
    if graph.ops[holder] != "Const":
        return None
    tensor = graph.node(holder).attr["value"].tensor
    if len(tensor.string_val) != 1:
        return None
    inner = GraphDef()
    try:
        inner.ParseFromString(tensor.string_val[0])
    except Exception:  # noqa: BLE001 - not a GraphDef: nothing that op can run
        return None
    return inner if len(inner.node) else None
