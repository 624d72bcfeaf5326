"""The TF-free pieces under the UI: search index, scope tree, neighbourhoods, node details, the choice."""

from __future__ import annotations

import os
import random
import string
import subprocess
import sys
from collections import deque

import pytest

from bench.synthetic import make_graph
from tfscout.errors import UsageError
from tfscout.inspector import (
    TIER_LABELS,
    Graph,
    NodeSearch,
    ScopeIndex,
    analyse_path,
    around,
    between,
    choose_interface,
    describe_node,
    link_tree,
)
from tfscout.samples import checkpoint_dir
from tfscout.tui.session import Choice
from tfscout.tui.typed import parse_shape, parse_value


@pytest.fixture(scope="module")
def synthetic() -> Graph:
    return Graph(make_graph(3000))


def in_order(letters: str, text: str) -> bool:
    it = iter(text)
    return all(ch in it for ch in letters)


def brute_force(names: list[str], ops: list[str], query: str) -> set[int]:
    q = query.lower()
    return {i for i, (n, op) in enumerate(zip(names, ops, strict=True))
            if q in n.lower() or q in op.lower() or (len(q) >= 2 and (in_order(q, n.lower()) or in_order(q, op.lower())))}


@pytest.mark.parametrize("query", ["relu", "Conv2D", "s1b7", "keep_prob", "gdupd", "xent", "zzzz", "/", "a",
                                  "stage_1/block_3/conv/add"])
def test_search_finds_exactly_what_brute_force_finds(synthetic, query):
    index = NodeSearch(synthetic.names, synthetic.ops)
    result = index.search(query, limit=len(synthetic))
    assert set(result.hits) == brute_force(synthetic.names, synthetic.ops, query)
    assert result.total == len(result.hits) == len(set(result.hits))
    assert result.tiers == sorted(result.tiers)


def test_search_ranks_exact_then_prefix_then_contained_then_fuzzy():
    names = ["a/b/relu_grad", "x/relu", "relux/y", "net/prelude", "r/e/l/u", "relu", "q"]
    ops = ["ReluGrad", "Relu", "Identity", "Add", "Add", "Identity", "Relu"]
    result = NodeSearch(names, ops).search("relu")
    labels = {names[i]: TIER_LABELS[t] for i, t in zip(result.hits, result.tiers, strict=True)}
    assert labels == {"relu": "exact", "x/relu": "exact", "a/b/relu_grad": "prefix", "net/prelude": "in name",
                      "q": "op type", "relux/y": "in scope", "r/e/l/u": "fuzzy"}
    assert result.hits[:2] == [5, 1]  # the shorter name first among equals


def test_search_limits_and_special_characters(synthetic):
    index = NodeSearch(synthetic.names, synthetic.ops)
    few = index.search("model", limit=10)
    assert len(few.hits) == 10 and few.total > 10
    for query in ["[", "(", ".*", "\\", "a+b", "^$", "op:", "   "]:
        result = index.search(query)
        assert set(result.hits) <= set(range(len(synthetic)))
    ops_only = index.search("op:relu", limit=len(synthetic))
    assert ops_only.total == len(ops_only.hits)
    assert all("relu" in synthetic.ops[i].lower() or in_order("relu", synthetic.ops[i].lower())
               for i in ops_only.hits)


def test_filter_keeps_graph_order(synthetic):
    index = NodeSearch(synthetic.names, synthetic.ops)
    assert index.filter("op:Relu") == [i for i, op in enumerate(synthetic.ops) if op == "Relu"]
    assert index.filter("dense") == [i for i, (n, op) in enumerate(zip(synthetic.names, synthetic.ops, strict=True))
                                     if "dense" in n.lower() or "dense" in op.lower()]
    assert index.filter("") == list(range(len(synthetic)))


def test_scope_index_holds_every_node_once(synthetic):
    scopes = ScopeIndex(synthetic.names)
    seen: list[int] = []
    queue = deque([""])
    while queue:
        scope = queue.popleft()
        children = scopes.children(scope)
        seen.extend(children.nodes)
        assert scopes.size(scope) == len(children.nodes) + sum(size for _s, size in children.scopes)
        queue.extend(s for s, _size in children.scopes)
    assert sorted(seen) == list(range(len(synthetic)))
    assert scopes.size("") == len(synthetic)
    i = synthetic.find("model/stage_0/block_3/conv/Relu")
    assert scopes.path_to(i) == ["model", "model/stage_0", "model/stage_0/block_3", "model/stage_0/block_3/conv"]


def test_scope_children_in_natural_order():
    names = [f"s/block_{k}/x" for k in (10, 2, 1)] + ["s/b", "s/a"]
    children = ScopeIndex(names).children("s")
    assert [s for s, _n in children.scopes] == ["s/block_1", "s/block_2", "s/block_10"]
    assert [names[i] for i in children.nodes] == ["s/a", "s/b"]


def test_scope_order_with_digits_of_other_scripts():
    """'²' and '٣' count as digits for str.isdigit(); int() fails on the first, and a sort key
    mixing numbers and text at one position would fail to compare."""
    names = ["s/²/x", "s/a٣/x", "s/a10/x", "s/a2/x", "s/3/x", "s/a/x"]
    children = ScopeIndex(names).children("s")
    assert [s for s, _n in children.scopes] == ["s/3", "s/a", "s/a2", "s/a10", "s/a٣", "s/²"]


def bfs(g: Graph, start: int, depth: int, up: bool) -> dict[int, int]:
    dist = {start: 0}
    queue = deque([start])
    while queue:
        i = queue.popleft()
        if dist[i] == depth:
            continue
        nxt = [s for s, _p in g.inputs[i]] if up else [d for d, _s, _p in g.consumers[i]]
        for j in nxt:
            if j not in dist:
                dist[j] = dist[i] + 1
                queue.append(j)
    return dist


@pytest.mark.parametrize("depth", [0, 1, 2, 4])
def test_around_is_upstream_and_downstream_within_depth(synthetic, depth):
    centre = synthetic.find("model/stage_0/block_5/conv/Relu")
    hood = around(synthetic, centre, depth, max_nodes=10_000)
    ups, downs = bfs(synthetic, centre, depth, True), bfs(synthetic, centre, depth, False)
    assert set(hood.nodes) == set(ups) | set(downs)
    for i in hood.nodes:
        assert abs(hood.distance[i]) == min(d for d in (ups.get(i), downs.get(i)) if d is not None)
    inside = set(hood.nodes)
    assert {(e.src, e.dst) for e in hood.edges} == {(s, d) for d in inside for s, _p in synthetic.inputs[d]
                                                    if s in inside}
    assert hood.truncated == 0


def test_around_a_hub_is_cut_and_says_so(synthetic):
    hub = synthetic.find("GradientDescent/learning_rate")
    hood = around(synthetic, hub, 1, max_nodes=20)
    assert len(hood) == 20
    assert hood.truncated == len(synthetic.consumers[hub]) + 1 - 20
    assert hub in hood.open_nodes


def test_between_is_what_the_outputs_need():
    a = analyse_path(str(checkpoint_dir()))
    iface = choose_interface(a)
    hood = between(a.graph, iface.inputs, iface.outputs)
    assert set(hood.nodes) == a.graph.ancestors([r.node for r in iface.outputs], stop={r.node for r in iface.inputs})
    order = {n: k for k, n in enumerate(hood.nodes)}
    assert all(order[e.src] < order[e.dst] for e in hood.edges)


def test_link_tree_expands_each_node_once(synthetic):
    centre = synthetic.find("model/stage_0/block_5/conv/add")
    tree = link_tree(synthetic, centre, -1, depth=3)
    assert [link.node for link in tree] == [s for s, _p in synthetic.inputs[centre]]
    expanded: list[int] = []
    stack = list(tree)
    while stack:
        link = stack.pop()
        if not link.repeated:
            expanded.append(link.node)
        stack.extend(link.children)
    assert len(expanded) == len(set(expanded))


def test_describe_node_matches_the_graph():
    a = analyse_path(str(checkpoint_dir()))
    g = a.graph
    for i in (g.find("keep_prob"), choose_interface(a).outputs[0].node, 0):
        info = describe_node(a, i)
        assert info.name == g.names[i] and info.op == g.ops[i]
        assert [e.node for e in info.inputs] == [s for s, _p in g.inputs[i]]
        assert [e.node for e in info.consumers] == [d for d, _s, _p in g.consumers[i]]
        assert len(info.outputs) == g.num_outputs(i)
        assert {k for k, _v in info.attrs} == set(g.node(i).attr) - {"_output_shapes"}


def test_choice_edits():
    current_in, current_out = ["x:0"], ["probabilities:0"]
    c = Choice()
    assert not c.edited and c.input_args() is None and c.output_args() is None
    c = c.toggle_output("logits:0", current_out)
    assert c.output_args() == ["probabilities:0", "logits:0"] and c.input_args() is None
    with pytest.raises(UsageError):
        Choice().toggle_output("probabilities:0", current_out)
    c = c.with_shape("x:0", [1, 28, 28, 1], current_in)
    assert c.input_args() == ["x:0[1,28,28,1]"]
    c = c.toggle_input("pool1:0", ["x:0"]).toggle_input("x:0", ["x:0", "pool1:0"])
    assert c.input_args() == ["pool1:0"]
    c = c.with_mode_value("keep_prob:0", 1.0).with_mode_value("keep_prob:0", 0.5)
    assert dict(c.mode_values) == {"keep_prob:0": 0.5} and c.edited


def test_typed_values_and_shapes():
    assert parse_shape("1,28, 28,1") == [1, 28, 28, 1]
    assert parse_shape("[?, 3]") == [-1, 3]
    assert parse_shape("[]") == []
    for bad in ("a,b", "1,-5"):
        with pytest.raises(UsageError):
            parse_shape(bad)
    assert parse_value("false", "bool") is False and parse_value("1", "bool") is True
    assert parse_value("0.5", "float32") == 0.5 and parse_value("3", "int32") == 3
    with pytest.raises(UsageError):
        parse_value("maybe", "bool")


def test_random_names_with_odd_characters_are_searchable():
    rng = random.Random(7)
    alphabet = string.ascii_letters + string.digits + "_./-[]()+*?\\^$"
    names = ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 30))) for _ in range(500)]
    graph_ops = ["Op" + rng.choice("ABC") for _ in names]
    index = NodeSearch(names, graph_ops)
    for name in rng.sample(names, 50):
        query = name[: max(1, len(name) // 2)]
        hits = index.search(query, limit=len(names)).hits
        assert names.index(name) in hits
        assert set(hits) == brute_force(names, graph_ops, query.strip())


def test_the_synthetic_graph_reads_like_a_training_graph(tmp_path):
    for n in (150, 1000, 4321):
        assert len(make_graph(n).node) == n
    model = tmp_path / "synthetic.pb"
    model.write_bytes(make_graph(400).SerializeToString())
    a = analyse_path(model)
    iface = choose_interface(a)
    g = a.graph
    assert [g.tensor_name(r) for r in iface.inputs] == ["inputs/images:0"]
    assert [sw.name for sw in iface.mode_switches.values()] == ["keep_prob:0"]
    assert {g.ops[r.node] for r in iface.outputs} <= {"Softmax", "ArgMax"}


@pytest.mark.slow
def test_the_synthetic_graph_imports_into_tensorflow(tmp_path):
    model = tmp_path / "synthetic.pb"
    model.write_bytes(make_graph(600).SerializeToString())
    code = ("import sys, tensorflow as tf\n"
            "g = tf.compat.v1.GraphDef.FromString(open(sys.argv[1], 'rb').read())\n"
            "with tf.Graph().as_default() as graph:\n"
            "    tf.compat.v1.import_graph_def(g, name='')\n"
            "    print(len(graph.get_operations()))\n")
    done = subprocess.run([sys.executable, "-c", code, str(model)], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"})
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split()[-1] == "600"


def test_shapes_are_read_against_the_graph():
    graph = [-1, 28, 28, 1]
    assert parse_shape("?,28,28,1", graph, "x:0") == [-1, 28, 28, 1]
    assert parse_shape("[8, 28, 28, 1]", graph, "x:0") == [8, 28, 28, 1]
    assert parse_shape("", [], "s:0") == [] and parse_shape("[]", None) == []
    for typed, said in (("", "no shape given for x:0"), ("1,28,28", "x:0 has 4 dimensions in the graph, not 3"),
                        ("1,28,x,1", "'x' is not a size"), ("-5,28,28,1", "'-5' is not a size"),
                        ("1,28,28,3", "dimension 4 of x:0 is 1 in the graph, not 3"),
                        ("0,28,28,1", "'0' is not a size"), ("1,,28,1", "'' is not a size")):
        with pytest.raises(UsageError) as caught:
            parse_shape(typed, graph, "x:0")
        assert said in caught.value.one_line() and "?,28,28,1" in caught.value.one_line()


def test_opsets_and_the_choice_flags():
    from tfscout.tui.typed import parse_opset

    assert parse_opset(" 13 ") == 13 and parse_opset("") is None
    for bad in ("x", "1.5", "99", "3"):
        with pytest.raises(UsageError):
            parse_opset(bad)
    assert Choice(opset=13).edited and not Choice(launched=("x:0",)).edited
    with pytest.raises(UsageError, match="needed by the chosen outputs"):
        Choice().toggle_input("x:0", ["x:0"], needed=["x:0"])
    assert Choice().toggle_input("x:0", ["x:0", "y:0"], needed=["y:0"]).inputs == ("y:0",)
    assert Choice(inputs=("a:0", "b:0"), shapes=(("a:0", (1,)),)).without_inputs({"a:0"}) == \
        Choice(inputs=("b:0",))
    assert Choice(inputs=("a:0",)).without_inputs({"a:0"}).inputs is None
