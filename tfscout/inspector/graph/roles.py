"""What each node is for, decided by dataflow: training machinery, the loss and its labels, or inference.

- The training region (``machinery``): gradients, optimizers, summaries, savers, initialisation, queue enqueues,
  and what exists only to feed them (graph/training.py).
- Losses: forward sinks the gradients start from, the ``losses`` collection, the sinks below a cross-entropy op.
- Labels: feeds (placeholders, the outputs of a queue or an iterator) that reach a loss and never a parameter on
  the way: they meet the prediction there. A feed whose values reach a weight is data. When no feed reaches a
  weight (a graph whose parameters cannot be told), the one that has no value of its own is the label: every sink
  it reaches the other feeds reach too, and another feed has sinks of its own.
- The loss region: what depends on a label, the losses and what is computed from them, statistics that reduce
  the batch away, and the unparameterized arithmetic whose every reader is in the region.
- The inference region: the rest of the forward graph.

Names play no part here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tfscout.inspector import optypes
from tfscout.inspector.graph.dataflow import batch_carrying, dynamic_shapes, find_parameters, value_reach
from tfscout.inspector.graph.graph import Graph, TensorRef
from tfscout.inspector.graph.tensors import ShapeInference
from tfscout.inspector.graph.training import (
    absorb_feeders,
    differentiated_names,
    find_gradient_nodes,
    logged_values,
    training_core,
)

LABEL_WORDS = frozenset({"label", "labels", "target", "targets", "truth", "gt", "groundtruth", "answer",
                         "answers", "tags"})
LOSS_WORDS = frozenset({"loss", "losses", "cost", "xent", "entropy", "objective", "accuracy", "acc",
                        "metric", "metrics", "error", "mse", "rmse", "mae", "precision", "recall", "auc"})
OUTPUT_WORDS = frozenset({"output", "outputs", "out", "pred", "preds", "prediction", "predictions", "predict",
                          "probs", "prob", "probabilities", "probability", "logits", "logit", "scores",
                          "score", "softmax", "classes", "class", "result", "results", "embedding",
                          "embeddings", "features", "detections", "boxes", "box", "landmarks", "inference",
                          "y", "yhat", "hat", "final"})
_FLOAT_DTYPES = (["float32"], ["float64"], ["float16"], ["bfloat16"])
_MAX_SYMMETRIC_FEEDS = 16
_MAX_LOOP_SWEEPS = 4


@dataclass
class Roles:
    """Node-index sets describing the graph; each computed in time linear in the graph size."""

    machinery: set[int] = field(default_factory=set)
    backward: set[int] = field(default_factory=set)
    weights: set[int] = field(default_factory=set)  # parameter sources: variables, constants in weight slots
    entries: set[int] = field(default_factory=set)  # where a parameter enters computation
    losses: set[int] = field(default_factory=set)
    labels: set[int] = field(default_factory=set)  # label placeholders
    label_refs: set[TensorRef] = field(default_factory=set)  # every label feed, queue outputs included
    label_dependent: set[int] = field(default_factory=set)
    loss_region: set[int] = field(default_factory=set)
    logged: set[int] = field(default_factory=set)  # values machinery reads as they are (a histogram of probs)
    batch: bytearray = field(default_factory=bytearray)  # 1: carries the batch; 2: a statistic of a batch
    feeds: list[TensorRef] = field(default_factory=list)

    @property
    def is_training_graph(self) -> bool:
        return bool(self.backward or self.losses)

    def forward(self, i: int) -> bool:
        return i not in self.machinery

    def inference(self, i: int) -> bool:
        return i not in self.machinery and i not in self.loss_region


def _forward_sinks(graph: Graph, machinery: set[int]) -> list[int]:
    return [i for i in range(len(graph)) if i not in machinery
            and not any(dst not in machinery for dst, _s, _p in graph.consumers[i])]


def implicit_losses(graph: Graph, differentiated: set[str], batch: bytearray) -> set[int]:
    """Statistics summing differentiated terms whose own gradient is no op (AddN, Identity): tf.gradients leaves
    no ``<name>_grad`` scope for them, only for what they add up."""
    out = set()
    for i, op in enumerate(graph.ops):
        if op in optypes.NO_GRADIENT_OPS and batch[i] == 2 and graph.inputs[i] \
                and graph.names[i] not in differentiated \
                and all(graph.names[src] in differentiated for src, _p in graph.inputs[i]):
            out.add(i)
    return out


def find_losses(graph: Graph, machinery: set[int], backward: set[int], collections: dict[str, list[str]],
                flowing: set[int]) -> set[int]:
    """Forward sinks the gradients start from (differentiated, read by the gradients, or a sum of differentiated
    terms), tensors in the ``losses`` collection, and sinks computed from a cross-entropy op."""
    losses = set()
    differentiated = differentiated_names(graph)
    sinks = _forward_sinks(graph, machinery)
    for i in sinks:
        if graph.ops[i] in optypes.CONST_OPS or graph.output_dtypes(i)[:1] not in _FLOAT_DTYPES:
            continue
        if i in flowing or graph.names[i] in differentiated \
                or any(dst in backward for dst, _s, _p in graph.consumers[i]):
            losses.add(i)
    for key in ("losses", "regularization_losses"):
        for ref in collections.get(key, []):
            t = graph.resolve(ref)
            if t is not None:
                losses.add(t.node)
    xent = [i for i, op in enumerate(graph.ops) if op in optypes.LOSS_OPS and i not in machinery]
    if xent:
        below = graph.descendants(xent)
        losses |= {i for i in sinks if i in below and graph.output_dtypes(i)[:1] in _FLOAT_DTYPES}
    return losses


def feed_points(graph: Graph, feedable: list[int], machinery: set[int]) -> list[TensorRef]:
    """Where values enter: the placeholders (and unregistered sources), and each output of a queue's dequeue or an
    iterator's get-next that something reads."""
    feeds = [TensorRef(p, 0) for p in feedable if p not in machinery]
    pipe = optypes.QUEUE_DEQUEUE_OPS | optypes.ITERATOR_NEXT_OPS
    for i, op in enumerate(graph.ops):
        if op in pipe and i not in machinery:
            feeds.extend(TensorRef(i, port) for port in sorted({p for _d, _s, p in graph.consumers[i]}))
    return feeds


def _readers(graph: Graph, ref: TensorRef, machinery: set[int]) -> list[int]:
    return [dst for dst, _s, port in graph.consumers[ref.node] if port == ref.port and dst not in machinery]


def _reaching(graph: Graph, targets: set[int], machinery: set[int], blocked: frozenset[int] | set[int] = frozenset(),
              ) -> bytearray:
    """1 for the forward nodes from which a forward path reaches one of ``targets`` (one reverse sweep); a path
    does not go on through a ``blocked`` node."""
    out = bytearray(len(graph))
    order = list(reversed(graph.topological_order()))
    loops = any(graph.is_back_edge(i) for i in order)
    for _ in range(_MAX_LOOP_SWEEPS if loops else 1):  # more sweeps follow what loops carry back (NextIteration)
        changed = False
        for i in order:
            if i in machinery or out[i]:
                continue
            if i in targets or (i not in blocked and any(out[dst] for dst, _s, _p in graph.consumers[i])):
                out[i] = 1
                changed = True
        if not changed:
            break
    return out


def find_labels(graph: Graph, shapes: ShapeInference, losses: set[int], feeds: list[TensorRef],
                machinery: set[int], entries: set[int]) -> set[TensorRef]:
    """Feeds that reach a loss without ever reaching a parameter (module docstring)."""
    if not losses:
        return set()
    to_loss = _reaching(graph, losses, machinery)
    # What a loss feeds (a moving average of it, a weighted sum) says nothing about its inputs.
    blocked = losses | {i for i, op in enumerate(graph.ops) if op in optypes.LOSS_OPS}
    to_param = _reaching(graph, entries, machinery, blocked)
    candidates = []
    for f in feeds:
        readers = _readers(graph, f, machinery)
        if not any(to_loss[d] for d in readers):
            continue
        if shapes.declared(f) == []:
            continue  # a scalar: a switch or a training setting, never a label
        candidates.append((f, any(to_param[d] for d in readers)))
    if any(passes for _f, passes in candidates):
        return {f for f, passes in candidates if not passes}
    return _labels_by_sinks(graph, [f for f, _p in candidates], machinery)


def _labels_by_sinks(graph: Graph, feeds: list[TensorRef], machinery: set[int]) -> set[TensorRef]:
    """No feed reaches a parameter: the label is the feed with no sink of its own while another feed has one."""
    if len(feeds) < 2 or len(feeds) > _MAX_SYMMETRIC_FEEDS:
        return set()
    sinks = []
    for f in feeds:
        below = graph.descendants(_readers(graph, f, machinery), stop=machinery)
        sinks.append({i for i in below if i not in machinery
                      and not any(dst not in machinery for dst, _s, _p in graph.consumers[i])})
    out = set()
    for k, f in enumerate(feeds):
        others = set().union(*(s for j, s in enumerate(sinks) if j != k))
        owns = [j for j, s in enumerate(sinks) if j != k and s - sinks[k]]
        if sinks[k] and sinks[k] <= others and owns:
            out.add(f)
    return out


def _joins_loss(graph: Graph, i: int, roles: Roles, region: set[int], batch: bytearray) -> bool:
    """Is node ``i`` unparameterized arithmetic whose every forward reader is in the loss region? A view (an
    Identity, a Squeeze, a Cast) of what a layer computed or of an activation stays the model's, unless it
    reshapes to a shape the loss computes; and no node that adds a constant tensor (a frozen bias, anchor boxes)
    joins. A Cast of an ArgMax compared with the labels does."""
    ops, inputs = graph.ops, graph.inputs
    op = ops[i]
    if i in roles.machinery or i in roles.entries or op not in optypes.LOSS_MATH_OPS:
        return False
    if op in optypes.PASS_THROUGH_OPS and inputs[i]:
        src = inputs[i][0][0]
        if _views_an_activation(graph, src):
            return False
        computed_shape = op == "Reshape" and len(inputs[i]) > 1 and ops[inputs[i][1][0]] not in optypes.CONST_OPS
        if not computed_shape and (src in roles.entries or ops[src] not in optypes.LOSS_MATH_OPS):
            return False  # a view of what a layer computed (a squeezed or renamed logits)
    for src, _port in inputs[i]:
        for _ in range(3):  # a constant read through Identity
            if ops[src] in optypes.VALUE_IDENTITY_OPS and inputs[src]:
                src = inputs[src][0][0]
        if ops[src] in optypes.CONST_OPS and _is_tensor_const(graph, src):
            return False
    readers = [dst for dst, _s, _p in graph.consumers[i] if dst not in roles.machinery]
    return bool(readers) and all(dst in region for dst in readers)


def _views_an_activation(graph: Graph, i: int) -> bool:
    for _ in range(6):
        op = graph.ops[i]
        if op in optypes.ACTIVATION_VIEW_OPS:
            return True
        if op not in optypes.PASS_THROUGH_OPS or not graph.inputs[i]:
            return False
        i = graph.inputs[i][0][0]
    return False


def _is_tensor_const(graph: Graph, i: int) -> bool:
    """A float constant with at least one element per dimension beyond a scalar (a bias, a table of anchors)."""
    dtype = graph.attr(i, "dtype")
    value = graph.attr(i, "value")
    if dtype is None or dtype.type not in (1, 2, 14, 19) or value is None:
        return False
    dims = [d.size for d in value.tensor.tensor_shape.dim]
    return bool(dims) and any(d > 1 for d in dims)


def loss_region(graph: Graph, roles: Roles, data: set[int]) -> set[int]:
    """What depends on a label, the losses and what is computed from them, statistics of a batch no forward node
    reads, and the unparameterized arithmetic whose every forward reader is in the region."""
    machinery, batch = roles.machinery, roles.batch
    seeds = set(roles.label_dependent) | roles.losses
    seeds.update(i for i, op in enumerate(graph.ops) if op in optypes.LOSS_OPS and i not in machinery)
    for i in _forward_sinks(graph, machinery):
        if batch[i] == 2 and i in data and not graph.control_consumers[i]:
            seeds.add(i)
    region = {i for i in graph.descendants(seeds, stop=machinery) if i not in machinery}
    stack = [src for i in region for src, _p in graph.inputs[i]]
    while stack:
        i = stack.pop()
        if i not in region and _joins_loss(graph, i, roles, region, batch):
            region.add(i)
            stack.extend(src for src, _p in graph.inputs[i])
    return region


def classify(graph: Graph, shapes: ShapeInference, collections: dict[str, list[str]], feedable: list[int]) -> Roles:
    roles = Roles()
    gradient_nodes = find_gradient_nodes(graph)
    core, roles.backward = training_core(graph, gradient_nodes)
    # First everything that only feeds machinery (what a moving average of the loss is computed with, the
    # statistics of summaries, metrics): what is left shows the losses and what reaches them.
    roles.feeds = feed_points(graph, feedable, core)
    differentiated = differentiated_names(graph) if roles.backward else set()
    # The forward values the gradients flow through (a loss, an activation) are never machinery.
    flowing = {graph.index[n] for n in differentiated if n in graph.index}
    if differentiated:
        flowing |= implicit_losses(graph, differentiated, batch_carrying(graph, shapes, {r.node for r in roles.feeds}))
    first = set(core)
    # A loss op is a loss even when only a summary reads it (a graph saved without its optimizer).
    absorb_feeders(graph, first, gradient_nodes, lambda i: i in flowing or graph.ops[i] in optypes.LOSS_OPS)
    params = find_parameters(graph)
    roles.weights = params.sources
    roles.losses = find_losses(graph, first, roles.backward, collections, flowing)
    entries = {i for i in params.entries if i not in first}
    roles.label_refs = find_labels(graph, shapes, roles.losses, roles.feeds, first, entries)
    roles.labels = {r.node for r in roles.label_refs if graph.ops[r.node] in optypes.PLACEHOLDER_OPS}
    label_readers = [d for r in roles.label_refs for d in _readers(graph, r, core)]
    roles.label_dependent = {i for i in graph.descendants(label_readers, stop=core) if i not in core}
    roles.label_dependent.update(r.node for r in roles.label_refs if r.node in roles.labels)
    data_feeds = {r.node for r in roles.feeds if r not in roles.label_refs}
    roles.batch = batch_carrying(graph, shapes, data_feeds)
    data = value_reach(graph, data_feeds, dynamic_shapes(graph))
    roles.logged = logged_values(graph, core, roles.batch, data)
    keep = roles.label_dependent | roles.logged | flowing
    absorb_feeders(graph, core, gradient_nodes, keep.__contains__)
    roles.machinery = core
    roles.entries = {i for i in params.entries if i not in core}
    roles.loss_region = loss_region(graph, roles, data)
    return roles
