"""Input pipelines: where data arrives through queues, tf.data iterators or decoders instead of a
placeholder, find the tensor to feed instead (the cut point).

Estimator and TFX exports fed a serialized tf.Example: cut at what ParseExample hands on.

Random strings cannot be parsed, and tf2onnx cannot convert ParseExample; the parsed features can be fed
directly. A signature input that is a string tensor read by ParseExample (ParseExampleV2,
ParseSingleExample; through identities) is replaced by the outputs of that op the model's outputs read:
dense values, and the indices, values and shapes of sparse features. Each is named by its feature key
(``dense_keys``, ``sparse_keys``, ``ragged_keys``) and typed and shaped from ``Tdense``/``dense_shapes``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tfscout.inspector import optypes
from tfscout.inspector.graph import Graph, GraphAnalysis, TensorRef, const_value, is_auto_name

_NOT_DATA = frozenset({"resource", "variant"})
# The ops that hand the model a pipeline's elements (a string among them is a feature, such as a word).
_ELEMENT_OPS = optypes.ITERATOR_NEXT_OPS | optypes.QUEUE_DEQUEUE_OPS


@dataclass
class CutPoint:
    ref: TensorRef
    replaces: list[int] = field(default_factory=list)  # raw sources (placeholders, queues) cut away
    chain: list[str] = field(default_factory=list)  # pipeline op types, in order
    fed: TensorRef | None = None  # the tensor it stands for, when that is not a raw source (hashed strings)


def _named_identity(a: GraphAnalysis, ref: TensorRef, keep: set[int]) -> TensorRef:
    """Follow a cut tensor into the Identity an author named (``x = tf.identity(parsed, 'x')``)."""
    g = a.graph
    for _ in range(4):
        users = [d for d in g.tensor_consumers(ref) if d in keep]
        if len(users) != 1:
            break
        dst = users[0]
        if g.ops[dst] != "Identity" or is_auto_name(g.names[dst], "Identity"):
            break
        ref = TensorRef(dst, 0)
    return ref


def find_cut_points(a: GraphAnalysis, needed: set[int], inputs: frozenset[int] = frozenset()
                    ) -> tuple[list[CutPoint], set[int]]:
    """Cut points for the pipelines among ``needed`` (ancestors of the outputs), and the nodes cut away; the
    nodes of ``inputs`` already chosen (a ParseExample whose outputs are fed) start no pipeline."""
    g = a.graph
    seeds = [i for i in a.pipeline_seeds if i in needed and i not in inputs]
    if not seeds:
        return [], set()
    region = g.ancestors(seeds) & needed
    region.update(seeds)
    fed_by_seed = g.descendants(seeds)
    cuts: dict[TensorRef, CutPoint] = {}
    for src in sorted(region):
        if src not in fed_by_seed:
            continue
        for dst, _slot, port in g.consumers[src]:
            if dst not in needed or dst in region:
                continue
            ref = TensorRef(src, port)
            if g.dtype(ref) in _NOT_DATA or (g.dtype(ref) == "string" and g.ops[src] not in _ELEMENT_OPS):
                continue  # a string is fed when the pipeline hands it over, not while a reader's bytes are decoded
            for out in _out_of_loops(a, ref, dst, needed):
                out = _named_identity(a, out, needed)
                if out in cuts:
                    continue
                above = g.ancestors([out.node]) & (region | a.in_loop)
                raw = sorted(i for i in above if g.ops[i] in optypes.PLACEHOLDER_OPS or not g.inputs[i]
                             and g.ops[i] not in optypes.CONST_OPS)
                chain_ops = [g.ops[i] for i in sorted(above, key=lambda k: a.depth[k])
                             if g.ops[i] in optypes.PIPELINE_OPS]
                cuts[out] = CutPoint(out, raw, chain_ops)
    cut_away = set(region)
    return list(cuts.values()), cut_away


def _out_of_loops(a: GraphAnalysis, ref: TensorRef, dst: int, needed: set[int]) -> list[TensorRef]:
    """Where a cut inside a while loop leaves it: a placeholder cannot feed one iteration (tf.map_fn decoding
    each image of a batch), so the cut moves to what the loop hands on, the stacked results (a TensorArray
    read after the loop) or a loop result itself."""
    g = a.graph
    if ref.node not in a.in_loop and dst not in a.in_loop:
        return [ref]
    found: list[TensorRef] = []
    stack, seen = [dst], {dst}
    while stack:
        i = stack.pop()
        for d, _s, port in g.consumers[i]:
            if d in seen or d not in needed:
                continue
            seen.add(d)
            if d in a.in_loop:
                stack.append(d)
            elif g.ops[i] in optypes.EXIT_OPS and g.ops[d] in optypes.TENSOR_ARRAY_READ_OPS:
                if g.ops[d] != "TensorArraySizeV3":
                    found.append(TensorRef(d, 0))  # the stacked results; their size goes with them
            elif g.ops[i] in optypes.EXIT_OPS:
                found.append(TensorRef(i, port))
    return found


# Serialized tf.Example inputs
def _read_through_identities(g: Graph, ref: TensorRef, keep: set[int] | None = None) -> list[tuple[int, int]]:
    """(node, input slot) of what reads ``ref`` once identities (each IdentityN output its own) are passed;
    with ``keep``, only readers among those nodes."""
    found, frontier = [], [ref]
    for _ in range(4):
        nxt = []
        for tensor in frontier:
            for dst, slot, port in g.consumers[tensor.node]:
                if port != tensor.port or (keep is not None and dst not in keep):
                    continue
                if g.ops[dst] in optypes.IDENTITY_OPS:
                    nxt.append(TensorRef(dst, slot))
                else:
                    found.append((dst, slot))
        frontier = nxt
    return found


def _readers(g: Graph, ref: TensorRef) -> list[int]:
    """The ParseExample ops reading ``ref`` as their serialized input, through identities."""
    return [dst for dst, slot in _read_through_identities(g, ref) if slot == 0 and g.ops[dst] in
            optypes.PARSE_EXAMPLE_OPS]


def _keys(g: Graph, i: int, slot: int, count: int = 1) -> list[str]:
    """Feature keys held by constant inputs ``slot`` .. ``slot + count`` (one list, or one scalar each)."""
    out: list[str] = []
    for k in range(slot, slot + count):
        if k < len(g.inputs[i]):
            values = const_value(g, g.inputs[i][k][0]) or []
            out.extend(str(v) for v in values)
    return out


def _attr_keys(g: Graph, i: int, name: str) -> list[str]:
    attr = g.attr(i, name)
    return [s.decode("utf-8", "replace") for s in attr.list.s] if attr is not None else []


def _count(g: Graph, i: int, name: str) -> int:
    attr = g.attr(i, name)
    if attr is None:
        return 0
    return len(attr.list.type) if attr.list.type else int(attr.i)


def parsed_feature(g: Graph, i: int, port: int) -> str:
    """What output ``port`` of ParseExample node ``i`` holds: "dense feature 'age'", "values of sparse
    feature 'occupation'"; "" when the keys are not constants."""
    op = g.ops[i]
    if op == "ParseExampleV2":
        sparse_n, dense_n = _count(g, i, "num_sparse"), _count(g, i, "Tdense")
        sparse, dense, ragged = _keys(g, i, 2), _keys(g, i, 3), _keys(g, i, 4)
    elif op == "ParseExample":
        sparse_n, dense_n = _count(g, i, "Nsparse"), _count(g, i, "Ndense")
        sparse, dense = _keys(g, i, 2, sparse_n), _keys(g, i, 2 + sparse_n, dense_n)
        ragged = []
    else:
        sparse_n, dense_n = _count(g, i, "num_sparse"), _count(g, i, "Tdense")
        sparse, dense, ragged = _attr_keys(g, i, "sparse_keys"), _attr_keys(g, i, "dense_keys"), []
    parts = ["indices of sparse", "values of sparse", "dense shape of sparse"]
    if port < 3 * sparse_n:
        k = port % max(sparse_n, 1)
        return f"{parts[port // max(sparse_n, 1)]} feature '{sparse[k]}'" if k < len(sparse) else ""
    port -= 3 * sparse_n
    if port < dense_n:
        return f"dense feature '{dense[port]}'" if port < len(dense) else ""
    port -= dense_n
    k = port % max(len(ragged), 1)
    kind = "values" if port < len(ragged) else "row splits"
    return f"{kind} of ragged feature '{ragged[k]}'" if k < len(ragged) else ""


def parse_example_cuts(g: Graph, inputs: list[TensorRef], outputs: list[TensorRef]
                       ) -> tuple[list[TensorRef], list[CutPoint]]:
    """``inputs`` with every serialized tf.Example input replaced by the parsed tensors the outputs read."""
    kept: list[TensorRef] = []
    cuts: list[CutPoint] = []
    needed: set[int] | None = None
    for ref in inputs:
        readers = _readers(g, ref) if g.dtype(ref) == "string" else []
        if not readers:
            kept.append(ref)
            continue
        if needed is None:
            needed = g.ancestors({r.node for r in outputs}, stop=set(readers))
        for parser in readers:
            ports = sorted({port for dst, _slot, port in g.consumers[parser] if dst in needed})
            for port in ports:
                cut = TensorRef(parser, port)
                if cut not in kept:
                    kept.append(cut)
                    cuts.append(CutPoint(cut, [ref.node], [g.ops[parser]]))
    return kept, cuts


# Hashed strings
def hash_cuts(g: Graph, inputs: list[TensorRef], outputs: list[TensorRef], earlier: list[CutPoint]
              ) -> tuple[list[TensorRef], list[CutPoint]]:
    """``inputs`` with every string input that is only hashed into buckets replaced by the bucket ids: TensorFlow's
    string hashes have no faithful ONNX form (tf2onnx maps two of them onto onnxruntime-extensions ops whose
    buckets differ), so the caller computes them as before (``tf.strings.to_hash_bucket_fast``) and the model
    takes them from there. A cut made
    ``earlier`` (a parsed feature) hands on what it replaces."""
    replaced = {c.ref: c.replaces for c in earlier}
    kept: list[TensorRef] = []
    cuts: list[CutPoint] = []
    needed: set[int] | None = None
    for ref in inputs:
        if g.dtype(ref) != "string":
            kept.append(ref)
            continue
        if needed is None:
            needed = g.ancestors({r.node for r in outputs}, stop={r.node for r in inputs})
        users = [dst for dst, _slot in _read_through_identities(g, ref, needed)]
        if not users or any(g.ops[u] not in optypes.STRING_HASH_OPS for u in users):
            kept.append(ref)
            continue
        for user in users:
            cut = TensorRef(user, 0)
            if cut not in kept:
                kept.append(cut)
                raw = replaced.get(ref, [ref.node] if g.ops[ref.node] in optypes.PLACEHOLDER_OPS else [])
                cuts.append(CutPoint(cut, list(raw), [g.ops[user]], fed=ref))
    return kept, cuts
