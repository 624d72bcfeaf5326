"""The heads of the inference region: what the model computes for its caller, found by dataflow.

A head is a node of the inference region computed from the data (not only from its shape), outside any while
loop, that is not a statistic of the batch, and that is either

- a sink: nothing at inference reads it (``free``; ``logged`` when only the training machinery reads it, as a
  histogram summary of the probabilities does), or
- a crossing: the loss region reads it (the logits a cross-entropy takes, heatmaps compared with targets).

Heads are grouped with their views (an activation of the same shape, a reshape, a cast): one per group is
recommended. Which heads make the recommended set is decided in :func:`choose`; names play no part.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tfscout.inspector import optypes
from tfscout.inspector.graph import GraphAnalysis, TensorRef
from tfscout.inspector.rank.branches import side_branches
from tfscout.inspector.rank.crossing import choose_crossing, down_weighted, view_input

_ROOT_HOPS = 8


@dataclass
class Head:
    node: int
    kind: str  # free | logged | crossing | byproduct
    group: int  # the node its views are computed from
    reasons: list[str] = field(default_factory=list)
    recommended: bool = False
    tier: int = 0  # 0 recommended, 1 a candidate worth naming, 2 a weak one


@dataclass
class HeadChoice:
    """Every head, and how the recommended set was decided (the evidence the confidence weighs)."""

    heads: list[Head] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)  # plain facts: "crossing", "aux", "fallback" ...
    set_aside: list[int] = field(default_factory=list)  # heads only the loss reads, set aside beside sinks

    @property
    def recommended(self) -> list[Head]:
        return [h for h in self.heads if h.recommended]


def _eligible(a: GraphAnalysis) -> list[bool]:
    g, roles = a.graph, a.roles
    reach = a.value_reach
    has_data = bool(a.data_sources)
    batched = any(roles.batch[s] == 1 for s in a.data_sources)
    in_loop = a.in_loop
    out = [False] * len(g)
    for i, op in enumerate(g.ops):
        if not roles.inference(i) or op in optypes.NOT_OUTPUT_OPS or (i in in_loop and op not in optypes.EXIT_OPS):
            continue
        if has_data and i not in reach:
            continue
        if batched and roles.batch[i] == 2:
            continue
        if g.num_outputs(i) == 0 or g.output_dtypes(i)[:1] in (["resource"], ["variant"]):
            continue
        out[i] = True
    return out


def root_of(a: GraphAnalysis, i: int, eligible: list[bool]) -> int:
    """Walk up through views to the tensor they are views of (groups are of nodes: a view of one output of a
    node with several, such as a fused cluster's, is its own group)."""
    for _ in range(_ROOT_HOPS):
        src = view_input(a, i)
        if src is None or not eligible[src] or a.graph.num_outputs(src) > 1:
            break
        i = src
    return i


def _loop_results_above(a: GraphAnalysis, i: int) -> tuple[list[int], set[int]] | None:
    """The loop results (Exits) a sink is only rearranged from (stacked, transposed, sliced, concatenated), and
    the nodes on the way; None when it is computed from anything else."""
    g, reach = a.graph, a.value_reach
    stack, seen, exits = [i], {i}, []
    while stack:
        n = stack.pop()
        op = g.ops[n]
        if op in optypes.EXIT_OPS:
            exits.append(n)
            continue
        if op in optypes.TENSOR_ARRAY_READ_OPS:
            srcs = [g.inputs[n][-1][0]] if g.inputs[n] else []  # the flow input: the loop's Exit
        elif op in optypes.JOIN_OPS:
            srcs = [src for src, _p in g.inputs[n] if src in reach]
        elif (op in optypes.VIEW_OPS or op in optypes.REARRANGE_OPS) and g.inputs[n]:
            srcs = [g.inputs[n][0][0]]  # the values; the other inputs say where to cut or how to order
        else:
            return None
        for src in srcs:
            if src not in seen:
                seen.add(src)
                stack.append(src)
    return (exits, seen) if exits else None


def _byproduct(a: GraphAnalysis, i: int) -> bool:
    """A loop result nothing reads while what the loop computes is read elsewhere: the unused final state of an
    encoder, the stacked outputs of an RNN whose last output or state is used. A state whose initial value is fed
    (a stateful RNN fetches its final state to feed it back) is not a by-product."""
    found = _loop_results_above(a, i)
    if found is None:
        return False
    exits, chain = found
    g, loops, roles = a.graph, a.loops, a.roles
    for e in exits:
        if e not in loops.frame_of_exit or loops.initial_value.get(e) in a.data_sources:
            return False
    used = any(roles.inference(d) and d not in chain for n in chain if n != i for d, _s, _p in g.consumers[n])
    if used:
        return True
    for e in exits:
        siblings = loops.exits_of_frame[loops.frame_of_exit[e]]
        if any(s != e and any(roles.inference(d) for d, _s, _p in g.consumers[s]) for s in siblings):
            return True
    return False


def weights_in(a: GraphAnalysis, nodes: set[int]) -> list[int]:
    """The model's weights among ``nodes``: variables, and constants of rank 2 or more (a frozen graph's)."""
    g = a.graph
    return [n for n in nodes if g.ops[n] in optypes.VARIABLE_OPS
            or (g.ops[n] in optypes.CONST_OPS and len(a.shapes.shape(TensorRef(n, 0)) or []) >= 2)]


def _frames_reading(a: GraphAnalysis, w: int) -> set[str]:
    """The while loops (frame names) that read a weight through an Enter, perhaps after a read or a cast."""
    g = a.graph
    frames: set[str] = set()
    frontier = [w]
    for _ in range(3):
        nxt = []
        for n in frontier:
            for d, _s, _p in g.consumers[n]:
                if g.ops[d] in optypes.ENTER_OPS:
                    attr = g.attr(d, "frame_name")
                    frames.add(attr.s.decode(errors="replace") if attr is not None else "")
                elif g.ops[d] in optypes.WEIGHT_READ_OPS:
                    nxt.append(d)
        frontier = nxt
    return frames


def _step_copy(a: GraphAnalysis, i: int) -> bool:
    """A sink computed outside a loop from the weights that loop reads, while the loop's results are used: a copy
    of the loop's step (a Keras recurrent layer runs its cell once outside the loop to learn the output shape,
    and nothing reads that copy)."""
    g, loops, roles = a.graph, a.loops, a.roles
    if not loops.frame_of_exit or i in a.in_loop:
        return False
    exits = frozenset(loops.frame_of_exit)
    above = g.ancestors([i], stop=exits)  # what it computes itself; earlier loops only hand it their results
    after = {loops.frame_of_exit[n] for n in above if n in exits}
    weights = weights_in(a, above)
    frames = {w: _frames_reading(a, w) for w in weights}
    copied = set().union(*frames.values()) - after
    used = [e for e in exits if loops.frame_of_exit[e] in copied
            and any(roles.inference(d) for d, _s, _p in g.consumers[e])]
    if not used:
        return False
    upstream = g.ancestors(used)  # weights in front of the loop (an embedding) are the loop's too
    return all(frames[w] & copied or w in upstream for w in weights)


def _parameterized(a: GraphAnalysis) -> set[int]:
    """The nodes computed (somewhere upstream, loop iterations included) with a parameter of the model."""
    return a.graph.descendants(a.roles.entries)


def find_heads(a: GraphAnalysis) -> tuple[list[Head], list[bool]]:
    g, roles = a.graph, a.roles
    eligible = _eligible(a)
    sources = set(a.data_sources)
    heads: dict[int, Head] = {}
    for i in range(len(g)):
        if not eligible[i]:
            continue
        data = g.consumers[i]
        if not data and g.control_consumers[i]:
            continue  # an anchor for control dependencies (tf.cond's switch_t/switch_f, group_deps)
        inference = [d for d, _s, _p in data if roles.inference(d)]
        crossing = any(d in roles.loss_region for d, _s, _p in data)
        if crossing:
            kind = "crossing"
        elif inference:
            continue
        elif data:
            kind = "logged"
        else:
            kind = "byproduct" if _byproduct(a, i) else "step copy" if _step_copy(a, i) else "free"
        group = root_of(a, i, eligible)
        if group in sources:
            continue  # a view of an input
        head = Head(i, kind, group)
        if kind == "step copy":
            head.kind, head.tier = "byproduct", 1
            head.reasons.append("a copy of a loop's step computed outside the loop from the loop's weights, while "
                                "the loop's results are used (a recurrent layer's shape probe)")
        elif kind == "byproduct":
            head.tier = 1
            head.reasons.append("a loop result nothing reads while the loop's other results are read (an unused "
                                "final state or sequence)")
        elif kind == "logged":
            head.tier = 1
            head.reasons.append("only the training machinery reads it (a summary, a streaming metric)")
        heads[i] = head
    if roles.entries:
        parameterized = _parameterized(a)
        found = [h for h in heads.values() if h.node in parameterized]
        if found:
            for h in heads.values():
                if h.node not in parameterized and h.kind != "logged":
                    h.kind = "byproduct"
                    h.tier = 1
                    h.reasons.append("computed without any of the model's parameters (preprocessing left beside "
                                     "the model)")
    return list(heads.values()), eligible


def choose(a: GraphAnalysis) -> HeadChoice:
    heads, eligible = find_heads(a)
    choice = HeadChoice(heads)
    if not heads:
        return choice
    free = [h for h in heads if h.kind == "free"]
    side = side_branches(a, free)
    for h in free:
        if h.node in side:
            h.reasons.append("a short side branch off the trunk that nothing reads (an auxiliary head left in)")
            h.tier = 1
            choice.evidence.append("side branch")
        else:
            h.recommended = True
    groups_with_sink = {h.group for h in heads if h.kind == "logged" or h.recommended}
    crossing_heads = [h for h in heads if h.kind == "crossing"]
    if crossing_heads:
        free_nodes = {h.node for h in free if h.recommended}
        choose_crossing(a, choice, crossing_heads, groups_with_sink, free_nodes)
        down_weighted(a, choice, [h for h in crossing_heads if h.recommended],
                      [h for h in crossing_heads if h.group in groups_with_sink])
        if not free_nodes:
            chosen = [h for h in crossing_heads if h.recommended]
            aux = side_branches(a, chosen)
            for h in chosen:
                if h.node in aux:
                    h.recommended = False
                    h.tier = 1
                    h.reasons.append("a short side branch off the trunk that only the loss reads (an auxiliary "
                                     "head)")
                    choice.evidence.append("aux branch")
    for h in heads:
        if h.kind == "logged" and any(c.group == h.group and c.kind == "crossing" for c in crossing_heads):
            h.recommended = True
            h.reasons.append("what the training summaries log of the prediction the loss reads")
    _one_per_group(a, choice, eligible)
    if not choice.recommended:
        _fallback(choice)
    return choice


def _preference(a: GraphAnalysis, h: Head) -> tuple[int, int, int, str]:
    g = a.graph
    kind_rank = {"free": 0, "logged": 1, "crossing": 2, "byproduct": 3}[h.kind]
    view = 0 if g.ops[h.node] in optypes.ACTIVATION_VIEW_OPS else 1
    return kind_rank, view, -a.depth[h.node], g.names[h.node]


def _one_per_group(a: GraphAnalysis, choice: HeadChoice, eligible: list[bool]) -> None:
    """One head per group; class ids taken from a recommended head's scores (ArgMax of the logits beside their
    Softmax) join the scores' group."""
    groups = {h.group for h in choice.recommended if a.graph.ops[h.node] not in optypes.CLASS_ID_OPS}
    for h in choice.recommended:
        ins = a.graph.inputs[h.node]
        if a.graph.ops[h.node] in optypes.CLASS_ID_OPS and ins and eligible[ins[0][0]]:
            src = root_of(a, ins[0][0], eligible)
            if src in groups:
                h.group = src
    best: dict[int, Head] = {}
    for h in choice.recommended:
        other = best.get(h.group)
        if other is None or _preference(a, h) < _preference(a, other):
            best[h.group] = h
    for h in choice.recommended:
        if best[h.group] is not h:
            h.recommended = False
            h.tier = 1
            h.reasons.append(f"a view of {a.graph.names[best[h.group].node]}, which is recommended")


def _fallback(choice: HeadChoice) -> None:
    """Nothing qualified: the best of the candidates, and the confidence says so."""
    order = {"crossing": 0, "logged": 1, "free": 2, "byproduct": 3}
    ranked = sorted(choice.heads, key=lambda h: (h.tier, order[h.kind]))
    top = ranked[0]
    for h in ranked:
        if (h.tier, order[h.kind]) == (top.tier, order[top.kind]):
            h.recommended = True
    choice.evidence.append("fallback")
