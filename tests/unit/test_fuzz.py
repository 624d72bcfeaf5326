"""Fuzz the loaders and the analysis with mutated real graphs: only TfscoutError may come out.

Fixed seeds (hypothesis derandomized, and seeded ``random``), a modest number of cases; the long
runs are ``python tools/fuzz.py``. Inputs that once broke tfscout live in tests/fuzz_regressions/.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fuzzing import (
    GRAPH_MUTATIONS,
    SEEDS,
    WIRE_MUTATIONS,
    Case,
    RandomChooser,
    apply_mutation,
    check_case,
    draw_case,
)

REGRESSIONS = Path(__file__).resolve().parent.parent / "fuzz_regressions"
pytestmark = pytest.mark.timeout(300)


class DataChooser:
    """A Chooser that draws from hypothesis, so failing cases shrink."""

    def __init__(self, data: st.DataObject) -> None:
        self.data = data

    def int(self, lo: int, hi: int) -> int:
        return self.data.draw(st.integers(lo, hi))

    def bytes(self, max_len: int) -> bytes:
        return self.data.draw(st.binary(max_size=max_len))


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz") / "case"


@settings(max_examples=160, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_mutated_corpus_graphs_raise_only_our_errors(data: st.DataObject, work: Path) -> None:
    case = draw_case(DataChooser(data))
    check_case(case, work)


@pytest.mark.parametrize("mutation", GRAPH_MUTATIONS, ids=lambda f: f.__name__)
def test_each_graph_mutation_on_each_format(mutation, work: Path) -> None:
    """Every structured mutation at least once on every format, with and without given names."""
    rng = random.Random(mutation.__name__)
    outcomes = []
    for seed in SEEDS:
        chooser = RandomChooser(rng)
        kind = {"checkpoint": "metagraph"}.get(seed.kind, seed.kind)
        original = seed.data()
        data, name = original, ""
        for _ in range(20):  # apply_mutation picks wire or graph mutations: retry until this one applies
            data, name = apply_mutation(chooser, original, kind)
            if name == mutation.__name__:
                break
        case = Case(seed, {"graphdef": "file_pb", "graphdef_text": "file_pbtxt", "metagraph": "meta_alone",
                           "saved_model": "saved_model_dir", "saved_model_text": "saved_model_pbtxt"}[kind],
                    data, [name])
        outcomes.append(check_case(case, work))
        case.inputs, case.outputs = "x:0,no_such:3", seed_output(seed)
        outcomes.append(check_case(case, work))
    assert outcomes, "ran"


def seed_output(seed) -> str:
    from tests.fuzzing import seed_node_names

    return seed_node_names(seed.path)[-1]


@pytest.mark.parametrize("mutation", WIRE_MUTATIONS, ids=lambda f: f.__name__)
def test_each_wire_mutation_changes_the_bytes(mutation) -> None:
    """The mutators do what they say (a fuzzer whose mutations do nothing finds nothing)."""
    rng = random.Random(7)
    text = mutation.__name__.startswith("m_text")
    seed = next(s for s in SEEDS if s.kind == ("graphdef_text" if text else "graphdef"))
    original = seed.data()
    changed = sum(mutation(RandomChooser(rng), original) != original for _ in range(20))
    assert changed >= 10, f"{mutation.__name__} changed the bytes only {changed} times in 20"


def regression_cases() -> list[Path]:
    return sorted(p for p in REGRESSIONS.iterdir() if p.is_dir()) if REGRESSIONS.is_dir() else []


@pytest.mark.parametrize("folder", regression_cases(), ids=lambda p: p.name)
def test_fuzz_regressions(folder: Path, work: Path) -> None:
    """Inputs the fuzzer once broke tfscout with: each gives our error or a report now."""
    meta = json.loads((folder / "case.json").read_text())
    seed = next(s for s in SEEDS if s.name == meta["seed"])
    case = Case(seed, meta["container"], (folder / "data.bin").read_bytes(), meta.get("mutations", []),
                meta.get("inputs"), meta.get("outputs"))
    outcome = check_case(case, work)
    if meta.get("expect"):
        assert meta["expect"] in outcome


def test_a_damaged_big_node_is_a_load_error_not_a_buffer_error(tmp_path: Path, work: Path) -> None:
    """Found by fuzzing: the big-graph reader's error held views into the memory map it closed."""
    from tfscout.inspector.load import BIG_NODE_BYTES, WireError, encode_varint, read_graph_def_lazily

    node = (b"\x0a\x01w" + b"\x12\x05Const"  # name, op
            + b"\x2a" + encode_varint(BIG_NODE_BYTES + 16) + b"\x0a\x01s" + b"\x12"
            + encode_varint(BIG_NODE_BYTES + 10) + b"\x12" + encode_varint(BIG_NODE_BYTES + 8)
            + bytes(BIG_NODE_BYTES + 8)
            + bytes([(9 << 3) | 3]))  # wire type 3 (a group): not a TensorFlow proto
    data = b"\x0a" + encode_varint(len(node)) + node
    path = tmp_path / "big.pb"
    path.write_bytes(data)
    with pytest.raises(WireError):
        read_graph_def_lazily(path)
    seed = next(s for s in SEEDS if s.kind == "graphdef")
    assert "truncated or corrupt" in check_case(Case(seed, "file_pb", data, ["damaged big node"]), work)
