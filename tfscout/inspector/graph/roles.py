"""What each node is for: training machinery, the loss and its labels, weights, or inference.

The forward graph is everything that is not machinery (gradients, optimizer updates, assignments,
saving, summaries, initialisation). Losses are forward sinks that the gradients start from; labels
are placeholders that meet the model only in the loss; the inference region is what remains.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tfscout.inspector import optypes
from tfscout.inspector.graph.graph import Graph
from tfscout.inspector.graph.names import has_token, is_auto_name

_GRADIENT_SCOPE_RE = re.compile(r"^gradients(_\d+)?$")
LABEL_WORDS = frozenset({"label", "labels", "target", "targets", "truth", "gt", "groundtruth", "answer",
                         "answers", "tags"})
LOSS_WORDS = frozenset({"loss", "losses", "cost", "xent", "entropy", "objective", "accuracy", "acc",
                        "metric", "metrics", "error", "mse", "rmse", "mae", "precision", "recall", "auc"})
OUTPUT_WORDS = frozenset({"output", "outputs", "out", "pred", "preds", "prediction", "predictions", "predict",
                          "probs", "prob", "probabilities", "probability", "logits", "logit", "scores",
                          "score", "softmax", "classes", "class", "result", "results", "embedding",
                          "embeddings", "features", "detections", "boxes", "box", "landmarks", "inference",
                          "y", "yhat", "hat", "final"})
_WEIGHT_MIN_ELEMENTS = 4


@dataclass
class Roles:
    """Node-index sets describing the graph; all computed in time linear in the graph size."""

    machinery: set[int] = field(default_factory=set)
    backward: set[int] = field(default_factory=set)
    weights: set[int] = field(default_factory=set)
    weight_entry: set[int] = field(default_factory=set)
    losses: set[int] = field(default_factory=set)
    labels: set[int] = field(default_factory=set)
    loss_region: set[int] = field(default_factory=set)

    @property
    def is_training_graph(self) -> bool:
        return bool(self.backward or self.losses)

    def forward(self, i: int) -> bool:
        return i not in self.machinery

    def inference(self, i: int) -> bool:
        return i not in self.machinery and i not in self.loss_region


def _const_elements(graph: Graph, i: int) -> int:
    value = graph.attr(i, "value")
    if value is None:
        return 0
    count = 1
    for dim in value.tensor.tensor_shape.dim:
        count *= max(dim.size, 0)
    return count


def find_weights(graph: Graph) -> set[int]:
    """Variables, and float constants big enough to be trained parameters of a frozen graph."""
    out = set()
    for i, op in enumerate(graph.ops):
        if op in optypes.VARIABLE_OPS:
            out.add(i)
        elif op == "Const":
            dtype = graph.attr(i, "dtype")
            if dtype is not None and dtype.type in (1, 2, 19, 14) and _const_elements(graph, i) >= _WEIGHT_MIN_ELEMENTS:
                out.add(i)
    return out


def _weight_entries(graph: Graph, weights: set[int]) -> set[int]:
    """Nodes where a weight enters computation (through reads, Identity and loop Enter)."""
    reads = graph.descendants(weights, through=optypes.WEIGHT_READ_OPS)
    entries = set()
    for i in reads:
        for dst, _slot, _port in graph.consumers[i]:
            if dst not in reads:
                entries.add(dst)
    return entries


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


def find_machinery(graph: Graph, gradient_nodes: set[int], backward: set[int]) -> set[int]:
    """Backward pass, machinery ops, their data descendants, what runs after saving, and what
    exists only to feed machinery."""
    seeds = [i for i, op in enumerate(graph.ops) if op in optypes.MACHINERY_OPS]
    machinery = graph.descendants(seeds) | backward
    # Nodes that run after a save or restore op (save/control_dependency) are part of saving.
    for i, op in enumerate(graph.ops):
        if op in optypes.SAVE_RESTORE_OPS or op in optypes.SUMMARY_OPS:
            for dst in graph.control_consumers[i]:
                machinery |= graph.descendants([dst])
    # Reverse topological sweep: a node whose every consumer is machinery exists only for it.
    # A node read by the gradient computation is an activation or a loss, and a node logged by a
    # summary is a value worth logging (a loss, a metric, an output): those stay.
    neutral = gradient_nodes | graph.descendants(i for i, op in enumerate(graph.ops) if op in optypes.SUMMARY_OPS)
    for i in reversed(graph.topological_order()):
        if i in machinery:
            continue
        data = graph.consumers[i]
        ctrl = graph.control_consumers[i]
        if not data and not ctrl:
            continue
        if any(dst in neutral for dst, _s, _p in data):
            continue
        if all(dst in machinery for dst, _s, _p in data) and all(dst in machinery for dst in ctrl):
            machinery.add(i)
    return machinery


def _forward_sinks(graph: Graph, machinery: set[int]) -> list[int]:
    return [i for i in range(len(graph)) if i not in machinery
            and not any(dst not in machinery for dst, _s, _p in graph.consumers[i])]


def differentiated_names(graph: Graph) -> set[str]:
    """Forward nodes that tf.gradients differentiated: it names their gradient scope
    ``[scope/]gradients/<node name>_grad/``."""
    out = set()
    for name in graph.names:
        depth = gradient_scope_depth(name)
        if depth < 0:
            continue
        segments = name.split("/")[depth + 1:]
        for k, seg in enumerate(segments[:-1]):
            if seg.endswith("_grad"):
                out.add("/".join(segments[:k] + [seg[: -len("_grad")]]))
                break
    return out


def find_losses(graph: Graph, machinery: set[int], backward: set[int], collections: dict[str, list[str]]) -> set[int]:
    """Forward sinks the gradients start from, tensors in the ``losses`` collection, and sinks
    computed from a cross-entropy op."""
    losses = set()
    differentiated = differentiated_names(graph)
    sinks = _forward_sinks(graph, machinery)
    for i in sinks:
        if graph.ops[i] in optypes.CONST_OPS or graph.output_dtypes(i)[:1] not in (["float32"], ["float64"],
                                                                                  ["float16"], ["bfloat16"]):
            continue
        if graph.names[i] in differentiated or any(dst in backward for dst, _s, _p in graph.consumers[i]):
            losses.add(i)
    for key in ("losses", "regularization_losses"):
        for ref in collections.get(key, []):
            t = graph.resolve(ref)
            if t is not None:
                losses.add(t.node)
    xent = [i for i, op in enumerate(graph.ops) if op in optypes.LOSS_OPS or op == "SigmoidCrossEntropyWithLogits"]
    if xent:
        below = graph.descendants(xent)
        losses |= {i for i in sinks if i in below}
    return losses


def find_labels(graph: Graph, roles: Roles, placeholders: list[int]) -> set[int]:
    """Placeholders that feed a loss and meet no weight on the way (or are named as labels)."""
    if not roles.losses:
        return set()
    above_loss = graph.ancestors(roles.losses)
    labels = set()
    for p in placeholders:
        if p not in above_loss or p in roles.machinery:
            continue
        below = graph.descendants([p])
        meets_weight = any(i in roles.weight_entry for i in below if i not in roles.machinery)
        if not meets_weight or has_token(graph.names[p], LABEL_WORDS):
            labels.add(p)
    return labels


def _loss_region(graph: Graph, roles: Roles) -> set[int]:
    """Losses, whatever is computed from labels, and the loss arithmetic feeding only them."""
    region = set(roles.losses)
    for p in roles.labels:
        region |= {i for i in graph.descendants([p]) if i not in roles.machinery}
    region |= {i for i in graph.descendants(roles.losses) if i not in roles.machinery}
    changed = True
    while changed:
        changed = False
        for i in list(region):
            for src, _port in graph.inputs[i]:
                if src in region or src in roles.machinery or src in roles.weights:
                    continue
                if _joins_loss(graph, roles, region, src):
                    region.add(src)
                    changed = True
    return region


def _joins_loss(graph: Graph, roles: Roles, region: set[int], i: int) -> bool:
    op = graph.ops[i]
    if op not in optypes.LOSS_MATH_OPS or op in optypes.HEAD_OPS:
        return False
    if i in roles.weight_entry:
        return False
    name = graph.names[i]
    if not is_auto_name(name, op) and has_token(name, OUTPUT_WORDS):
        return False
    forward_consumers = [dst for dst, _s, _p in graph.consumers[i] if dst not in roles.machinery]
    return bool(forward_consumers) and all(dst in region for dst in forward_consumers)


def classify(graph: Graph, collections: dict[str, list[str]], placeholders: list[int]) -> Roles:
    roles = Roles()
    gradient_nodes = find_gradient_nodes(graph)
    roles.backward = graph.descendants(gradient_nodes)
    roles.machinery = find_machinery(graph, gradient_nodes, roles.backward)
    roles.weights = find_weights(graph)
    roles.weight_entry = _weight_entries(graph, roles.weights)
    roles.losses = find_losses(graph, roles.machinery, roles.backward, collections)
    roles.labels = find_labels(graph, roles, placeholders)
    roles.loss_region = _loss_region(graph, roles) if roles.losses else set()
    return roles
