"""`convert` with no names stops on a low-confidence choice instead of verifying a guess (no TensorFlow)."""

from __future__ import annotations

import pytest

from tfscout.converter import (
    CONFIDENCE_THRESHOLD,
    PlannedSwitch,
    plan_from_report,
    require_switch_values,
)
from tfscout.errors import UnsureOutputs, UsageError
from tfscout.inspector import Report, TensorCandidate


def _report(confidence: float) -> Report:
    return Report(path="g.pb", format="graphdef", nodes=5,
                  inputs=[TensorCandidate("x:0", "float32", [-1, 4], 0.9, recommended=True)],
                  outputs=[TensorCandidate("heat:0", "float32", [-1, 3], 0.9, recommended=True),
                           TensorCandidate("logits:0", "float32", [-1, 3], 0.6)],
                  confidence=confidence)


def test_below_the_threshold_convert_stops_with_the_outputs_to_pass() -> None:
    with pytest.raises(UnsureOutputs) as err:
        plan_from_report(_report(CONFIDENCE_THRESHOLD - 0.05), None, None)
    assert err.value.exit_code == 1
    assert "heat:0" in err.value.message and "logits:0" in err.value.message
    assert "--outputs heat:0" in err.value.fix


def test_at_the_threshold_the_recommendation_is_used() -> None:
    plan = plan_from_report(_report(CONFIDENCE_THRESHOLD), None, None)
    assert plan.output_names == ["heat:0"]


def test_a_setting_without_a_value_asks_for_one() -> None:
    plan = plan_from_report(_report(1.0), None, None)
    plan.mode_switches.append(PlannedSwitch("temperature:0", None, "float32", needs_value=True))
    with pytest.raises(UsageError, match="temperature:0") as err:
        require_switch_values(plan)
    assert "--switch temperature:0=VALUE" in err.value.fix
    plan.mode_switches[0].value, plan.mode_switches[0].needs_value = 0.5, False
    require_switch_values(plan)
