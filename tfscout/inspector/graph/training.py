"""The training region: gradients, optimizer updates, assignments, saving, summaries, initialisation and queue
enqueues, what they compute, and what exists only to feed them.

Found in two steps. :func:`training_core` takes the machinery ops, the gradient computation and everything
computed from them. :func:`absorb_feeders` then walks the graph backwards and adds the nodes whose every reader
is machinery (a learning-rate schedule, a summary's statistics, an initial value), keeping the values the model
computes: what the caller says to keep (values computed from a label: metrics) and a batch of values the
machinery logs or accumulates as they are (``tf.summary.histogram('probs', probs)``).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from tfscout.inspector import optypes
from tfscout.inspector.graph.graph import Graph

_GRADIENT_SCOPE_RE = re.compile(r"^gradients(_\d+)?$")


def gradient_scope_depth(name: str) -> int:
    """Index of the ``gradients``/``gradients_N`` scope segment tf.gradients puts its ops in, or -1."""
    if "gradients" not in name:  # fast path; the exact test on segments follows
        return -1
    segments = name.split("/")
    for k, seg in enumerate(segments[:-1]):
        if _GRADIENT_SCOPE_RE.match(seg):
            return k
    return -1


def find_gradient_nodes(graph: Graph) -> set[int]:
    """Nodes of the gradient computation proper: the gradient scopes and gradient kernels."""
    return {i for i, op in enumerate(graph.ops)
            if op in optypes.GRADIENT_OPS or gradient_scope_depth(graph.names[i]) >= 0}


def differentiated_names(graph: Graph) -> set[str]:
    """Forward nodes that tf.gradients differentiated: it names their gradient scope
    ``[scope/]gradients/<node name>_grad/`` (Keras nests it: ``training/SGD/gradients/gradients/...``; the
    reading that names a node of the graph is the one)."""
    out = set()
    index = graph.index
    for name in graph.names:
        if gradient_scope_depth(name) < 0:
            continue
        segments = name.split("/")
        for depth, seg in enumerate(segments[:-1]):
            if not _GRADIENT_SCOPE_RE.match(seg):
                continue
            rest = segments[depth + 1:]
            found = next(("/".join(rest[:k] + [part[: -len("_grad")]]) for k, part in enumerate(rest[:-1])
                          if part.endswith("_grad")), None)
            if found is not None and found in index:
                out.add(found)
                break
    return out


def training_core(graph: Graph, gradient_nodes: set[int]) -> tuple[set[int], set[int]]:
    """(machinery, backward): the machinery ops and the gradient computation with everything computed from them,
    and what runs after a save, a restore or a summary (``save/control_dependency``)."""
    backward = graph.descendants(gradient_nodes)
    seeds = [i for i, op in enumerate(graph.ops) if op in optypes.MACHINERY_OPS]
    machinery = graph.descendants(seeds) | backward
    after = [dst for i, op in enumerate(graph.ops) if op in optypes.SAVE_RESTORE_OPS or op in optypes.SUMMARY_OPS
             for dst in graph.control_consumers[i]]
    if after:
        machinery |= graph.descendants(after)
    return machinery, backward


def logged_values(graph: Graph, machinery: set[int], batched: bytearray, data: set[int]) -> set[int]:
    """Values the machinery reads as they are, a batch of them computed from the data: what a histogram or an
    image summary shows, what a streaming metric accumulates (not the statistics computed for a summary)."""
    readers = optypes.SUMMARY_OPS | optypes.ASSIGN_OPS
    out = set()
    for i in data:
        if i in machinery or not batched[i]:
            continue
        if any(graph.ops[dst] in readers for dst, _s, _p in graph.consumers[i]):
            out.add(i)
    return out


def absorb_feeders(graph: Graph, machinery: set[int], gradient_nodes: set[int],
                   keep: Callable[[int], bool]) -> None:
    """Add to ``machinery`` (in place) the nodes that exist only to feed it: every reader, data or control, is
    machinery. A node read by the gradient computation (an activation, a loss) stays, and so does a node for
    which ``keep`` says so."""
    consumers, control = graph.consumers, graph.control_consumers
    for i in reversed(graph.topological_order()):
        if i in machinery:
            continue
        data, ctrl = consumers[i], control[i]
        if not data and not ctrl:
            continue
        if any(dst in gradient_nodes for dst, _s, _p in data):
            continue
        if all(dst in machinery for dst, _s, _p in data) and all(dst in machinery for dst in ctrl) and not keep(i):
            machinery.add(i)
