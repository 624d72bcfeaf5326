"""The development corpus's scorer and truth format, on hand-written reports (no TensorFlow)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from bench.devcorpus import Truth, TruthError, find_truths, write_truth
from bench.devcorpus.report import confidence_curve, render_markdown, render_text
from bench.devcorpus.score import GraphResult, score, score_inputs, score_outputs, score_switches


def truth(**changes: Any) -> Truth:
    data: dict[str, Any] = {"id": "mlp-softmax-ckpt-000", "family": "mlp", "generator": "tf-2.21",
                            "format": "checkpoint", "model": "model.ckpt-1200.meta", "inputs": ["x:0"],
                            "outputs": ["probs:0"], "labels": ["labels:0"], "mode_switches": {"keep_prob:0": 1.0}}
    data.update(changes)
    return Truth.from_dict(data)


def report(inputs: list[dict[str, Any]] | None = None, outputs: Sequence[str] = ("probs:0",),
           switches: dict[str, Any] | None = None, others: Sequence[str] = (), confidence: Any = None) -> dict[str, Any]:
    rep: dict[str, Any] = {
        "inputs": inputs if inputs is not None else [{"name": "x:0", "recommended": True, "cuts": []}],
        "outputs": [{"name": n, "recommended": True, "score": 0.9, "reasons": ["a sink"]} for n in outputs]
        + [{"name": n, "recommended": False, "score": 0.4, "reasons": ["read by the loss"]} for n in others],
        "mode_switches": [{"name": k, "value": v, "reasons": ["feeds dropout"]}
                          for k, v in (switches if switches is not None else {"keep_prob:0": 1.0}).items()],
    }
    if confidence is not None:
        rep["confidence"] = confidence
    return rep


def test_a_right_report_is_right_on_all_three() -> None:
    result = score(truth(), report())
    assert (result.outputs_ok, result.inputs_ok, result.switches_ok) == (True, True, True)
    assert result.why == []


def test_outputs_must_be_the_same_set_or_an_also_ok_set() -> None:
    extra = score_outputs(truth(), report(outputs=["probs:0", "zero_fraction/fraction:0"]))
    assert not extra.ok
    assert extra.why == ["output zero_fraction/fraction:0 recommended (score 0.9: a sink)"]
    missed = score_outputs(truth(), report(outputs=["logits:0"], others=["probs:0"]))
    assert missed.why == ["output logits:0 recommended (score 0.9: a sink)",
                          "output probs:0 missed (score 0.4: read by the loss)"]
    assert score_outputs(truth(also_ok=[["logits:0"]]), report(outputs=["logits:0"])).ok


def test_an_input_replaced_by_a_cut_counts_and_a_label_does_not() -> None:
    jpeg = truth(inputs=["jpeg:0"], cut_ok=["Mul:0"], mode_switches={})
    cut = {"name": "DecodeJpeg:0", "recommended": True, "cuts": ["jpeg:0"]}
    assert score_inputs(jpeg, report(inputs=[cut])).ok
    assert score_inputs(jpeg, report(inputs=[{"name": "Mul:0", "recommended": True}])).ok
    unrelated_cut = {"name": "DecodeJpeg:0", "recommended": True, "cuts": ["other:0"]}
    assert not score_inputs(jpeg, report(inputs=[unrelated_cut])).ok
    label = report(inputs=[{"name": "x:0", "recommended": True}, {"name": "labels:0", "recommended": True}])
    verdict = score_inputs(truth(), label)
    assert not verdict.ok
    assert verdict.why == ["input labels:0 (a training-only feed) recommended (no reasons)"]


def test_a_switch_recommended_beside_the_inputs_is_tolerated_a_missed_input_is_not() -> None:
    both = report(inputs=[{"name": "x:0", "recommended": True}, {"name": "keep_prob:0", "recommended": True}])
    assert score_inputs(truth(), both).ok
    none = score_inputs(truth(), report(inputs=[{"name": "x:0", "recommended": False, "score": 0.2,
                                                 "reasons": ["not needed"]}]))
    assert none.why == ["input x:0 missed (score 0.2: not needed)"]


@pytest.mark.parametrize(("given", "ok"), [(1.0, True), (1, True), (0.999999999, True), (0.5, False),
                                           (True, False), ("1.0", False)])
def test_switch_values_compare_as_numbers(given: Any, ok: bool) -> None:
    assert score_switches(truth(), report(switches={"keep_prob:0": given})).ok is ok


def test_a_bool_switch_needs_a_bool_and_a_label_is_never_a_switch() -> None:
    flag = truth(mode_switches={"is_training:0": False})
    assert score_switches(flag, report(switches={"is_training:0": False})).ok
    assert not score_switches(flag, report(switches={"is_training:0": 0.0})).ok
    missed = score_switches(flag, report(switches={}))
    assert missed.why == ["switch is_training:0 missed (not among the candidates)"]
    label = score_switches(truth(), report(switches={"keep_prob:0": 1.0, "labels:0": 0.0}))
    assert label.why == ["label labels:0 called a switch (feeds dropout)"]


def _result(conf: float, ok: bool) -> GraphResult:
    return GraphResult(id=f"g{conf}", family="f", generator="tf", format="graphdef", model="m.pb", outputs_ok=ok,
                       inputs_ok=True, switches_ok=True, truth_outputs=[], truth_inputs=[], truth_switches={},
                       confidence=conf)


def test_the_threshold_is_the_lowest_with_99_percent_right_at_or_above_it() -> None:
    low_wrong = [_result(0.3, False), _result(0.6, False)]
    curve = confidence_curve([*low_wrong, *(_result(0.7 + i / 1000, True) for i in range(50))])
    assert curve is not None and curve["threshold"] == {"value": 0.7, "graphs_at_or_above": 50, "right": 50}
    assert [b["graphs"] for b in curve["bins"]] == [1, 1, 50, 0, 0, 0]
    curve = confidence_curve([*low_wrong, *(_result(0.7 + i / 1000, True) for i in range(150))])
    assert curve is not None and curve["threshold"]["value"] == 0.6  # 150 of 151 right at or above 0.6: 99.3%
    curve = confidence_curve([*low_wrong, *(_result(0.7 + i / 1000, True) for i in range(50)), _result(0.99, False)])
    assert curve is not None and curve["threshold"] is None  # a wrong choice at the top: no threshold reaches 99%
    assert score(truth(), report(confidence={"value": 0.8, "reasons": ["one clear head"]})).confidence == 0.8
    assert score(truth(), report(confidence=0.25)).confidence == 0.25
    assert score(truth(), report()).confidence is None


def test_the_tables_list_the_wrong_graphs_with_their_reasons() -> None:
    wrong = score(truth(id="mlp-logits-pb-001"), report(outputs=["loss:0"], others=["probs:0"]))
    right = score(truth(), report())
    text = render_text([wrong, right])
    assert "mlp-logits-pb-001" in text and "output probs:0 missed (score 0.4: read by the loss)" in text
    assert "mlp-softmax-ckpt-000" not in text.split("wrong graphs")[1]
    markdown = render_markdown([wrong, right])
    assert "| mlp | 2 | 1/2 (50%) | 2/2 (100%) | 2/2 (100%) | 1/2 (50%) |" in markdown


def test_truths_are_validated_and_found_under_any_generator_folder(tmp_path: Path) -> None:
    with pytest.raises(TruthError, match="not tensor names"):
        truth(outputs=["probs"])
    with pytest.raises(TruthError, match="both an input and a label"):
        truth(labels=["x:0"])
    with pytest.raises(TruthError, match="missing"):
        Truth.from_dict({"id": "x"})
    for folder in ("mlp/mlp-a", "legacy-slim/legacy-slim-b"):
        (tmp_path / folder).mkdir(parents=True)
        write_truth(tmp_path / folder, truth(id=folder.rsplit("/", 1)[1]))
    found = [(f.name, t.id) for f, t in find_truths(tmp_path)]
    assert found == [("legacy-slim-b", "legacy-slim-b"), ("mlp-a", "mlp-a")]
    data = json.loads((tmp_path / "mlp/mlp-a/truth.json").read_text())
    assert "also_ok" not in data and data["mode_switches"] == {"keep_prob:0": 1.0}
