"""The pre-check's "convert will polyfill it" and the converter's registry of polyfills name the same ops."""

from __future__ import annotations

from tfscout.converter.surgery import POLYFILLS
from tfscout.inspector import optypes
from tfscout.inspector.precheck import convert_remedy


def test_the_registry_and_the_precheck_list_the_same_ops() -> None:
    assert set(POLYFILLS) == optypes.POLYFILLED_OPS | optypes.INTEGER_POLYFILLED_OPS
    assert not optypes.POLYFILLED_OPS & optypes.INTEGER_POLYFILLED_OPS


def test_the_precheck_says_polyfill_for_each_and_only_for_a_missing_handler() -> None:
    assert all(convert_remedy(op) == "polyfill" for op in optypes.POLYFILLED_OPS)
    assert all(convert_remedy(op) == "polyfill-integer" for op in optypes.INTEGER_POLYFILLED_OPS)
    assert all(convert_remedy(op, "supported") is None for op in POLYFILLS)
    assert convert_remedy("Log1p", "unsupported", "attribute") is None
    assert convert_remedy("MatMul") is None
