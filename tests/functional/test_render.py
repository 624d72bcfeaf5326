"""``tfscout render``: a node's neighbourhood or the subgraph to convert, as SVG/PNG/DOT, through the console script."""

from __future__ import annotations

import re
import shutil

import pytest

from tests.conftest import run_tfscout
from tests.graphdefs import GraphBuilder
from tfscout.inspector import analyse_path, around, choose_interface
from tfscout.samples import checkpoint_dir


@pytest.fixture
def dot() -> str:
    path = shutil.which("dot")
    assert path, "Graphviz's dot is not installed: run tools/ensure-system-deps.sh (make test does)"
    return path


needs_dot = pytest.mark.usefixtures("dot")


@pytest.fixture(scope="module")
def sample() -> str:
    return str(checkpoint_dir())


@pytest.fixture(scope="module")
def analysis(sample):
    return analyse_path(sample)


def dot_nodes(dot: str) -> set[str]:
    """The full node names in DOT text (each node carries its name as a tooltip)."""
    return set(re.findall(r'tooltip="([^"]+)"', dot))


def test_around_writes_dot_to_stdout_with_the_neighbourhood(sample, analysis):
    g = analysis.graph
    head = choose_interface(analysis).outputs[0].node
    result = run_tfscout("render", sample, "--around", g.names[head], "--depth", "2")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("digraph")
    expected = {g.names[i] for i in around(g, head, 2).nodes}
    assert dot_nodes(result.stdout) == expected
    ups = {g.names[src] for src, _p in g.inputs[head]}
    assert ups <= expected and g.names[head] in expected


@needs_dot
@pytest.mark.parametrize("suffix,magic", [(".svg", b"<svg"), (".png", b"\x89PNG"), (".pdf", b"%PDF")])
def test_around_draws_pictures(sample, analysis, tmp_path, suffix, magic):
    out = tmp_path / f"around{suffix}"
    result = run_tfscout("render", sample, "--around", "keep_prob", "--depth", "1", "-o", str(out), "--json")
    assert result.returncode == 0, result.stderr
    data = result.json()
    g = analysis.graph
    assert data["output"] == str(out) and data["centre"] == "keep_prob"
    assert data["nodes"] == 1 + len(g.consumers[g.find("keep_prob")])
    assert magic in out.read_bytes()[:1024]


def test_subgraph_between_the_recommended_inputs_and_outputs(sample, analysis, tmp_path):
    out = tmp_path / "sub.dot"
    result = run_tfscout("render", sample, "--subgraph", "-o", str(out), "--json")
    assert result.returncode == 0, result.stderr
    iface = choose_interface(analysis)
    g = analysis.graph
    needed = g.ancestors([r.node for r in iface.outputs], stop={r.node for r in iface.inputs})
    assert dot_nodes(out.read_text()) == {g.names[i] for i in needed}
    data = result.json()
    assert data["nodes"] == len(needed) and data["truncated"] == 0
    assert data["outputs"] == [g.tensor_name(r) for r in iface.outputs]


def test_subgraph_with_given_names_and_a_node_limit(sample, analysis, tmp_path):
    g = analysis.graph
    iface = choose_interface(analysis)
    head = iface.outputs[0].node
    feeder = g.inputs[head][0][0]
    result = run_tfscout("render", sample, "--subgraph", "--outputs", g.names[feeder], "--max-nodes", "5", "--json")
    assert result.returncode == 0, result.stderr
    data = result.json()
    assert data["outputs"] == [f"{g.names[feeder]}:0"]
    total = len(g.ancestors([feeder], stop={r.node for r in iface.inputs}))
    assert data["nodes"] == 5 and data["truncated"] == total - 5


def test_deep_chain_is_drawn_only_near_the_node(tmp_path):
    b = GraphBuilder()
    prev = b.placeholder("x", shape=[-1, 4])
    for k in range(50_000):
        prev = b.op(f"chain/relu_{k}", "Relu", [prev])
    model = tmp_path / "chain.pb"
    b.write(model)
    result = run_tfscout("render", str(model), "--around", "chain/relu_25000", "--depth", "3", "--json")
    assert result.returncode == 0, result.stderr
    assert result.json()["nodes"] == 7


def test_errors_are_one_line_with_a_fix(sample, tmp_path):
    typo = run_tfscout("render", sample, "--around", "keep_prb")
    assert typo.returncode == 2
    assert typo.stderr.count("\n") == 1 and "did you mean keep_prob" in typo.stderr
    nothing = run_tfscout("render", sample)
    assert nothing.returncode == 2 and "--around NODE or --subgraph" in nothing.stderr
    jpeg = run_tfscout("render", sample, "--around", "keep_prob", "-o", str(tmp_path / "x.jpg"))
    assert jpeg.returncode == 2 and ".svg, .png, .pdf or .dot" in jpeg.stderr
    existing = tmp_path / "exists.dot"
    existing.write_text("keep me")
    again = run_tfscout("render", sample, "--around", "keep_prob", "-o", str(existing))
    assert again.returncode == 2 and "--force" in again.stderr and existing.read_text() == "keep me"
    forced = run_tfscout("render", sample, "--around", "keep_prob", "-o", str(existing), "--force")
    assert forced.returncode == 0 and existing.read_text().startswith("digraph")


def test_missing_graphviz_says_how_to_install_it(sample, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no dot here
    out = tmp_path / "around.svg"
    result = run_tfscout("render", sample, "--around", "keep_prob", "-o", str(out))
    assert result.returncode == 2
    assert result.stderr.startswith(f"tfscout: error: {out}: the Graphviz program `dot` is not installed")
    assert "apt-get install graphviz" in result.stderr and not out.exists()
    dot_still_works = run_tfscout("render", sample, "--around", "keep_prob", "-o", str(tmp_path / "a.dot"))
    assert dot_still_works.returncode == 0
