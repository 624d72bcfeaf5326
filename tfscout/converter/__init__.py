"""The converter: freeze, repair, drive tf2onnx, validate and verify.

Needs TensorFlow, tf2onnx, onnx and onnxruntime; each runs in a child process (:mod:`tfscout.procs`)
and is imported there, so importing the converter is cheap. :func:`convert_model`, :func:`freeze_model`
and :func:`verify_model` return a :class:`ConversionReport`; :func:`check_model` the pre-check and,
when asked, a tf2onnx trial. Code outside the converter imports from here.
"""

from __future__ import annotations

from tfscout.converter.api import convert_model, freeze_model, verify_model
from tfscout.converter.confirm import (
    CheckOutcome,
    ConfirmResult,
    check_model,
    compare_with_tf2onnx,
    confirm_precheck,
)
from tfscout.converter.plan import ConversionPlan, parse_switch_value
from tfscout.converter.progress import Progress, stderr_progress
from tfscout.converter.render import CONTRACT_KEYS, confirm_text, report_json, report_text
from tfscout.converter.report import STAGES, ConversionReport, OutputError, Problem, Step, TensorInfo
from tfscout.converter.surgery import convert_fix
from tfscout.converter.tables import regenerate_in_child, support_table_for_installed
from tfscout.converter.tf2onnx_log import Tf2onnxLog, parse_tf2onnx_log

__all__ = [
    "CONTRACT_KEYS", "STAGES", "CheckOutcome", "ConfirmResult", "ConversionPlan", "ConversionReport",
    "OutputError", "Problem", "Progress", "Step", "TensorInfo", "Tf2onnxLog", "check_model",
    "compare_with_tf2onnx", "confirm_precheck", "confirm_text", "convert_fix", "convert_model", "freeze_model",
    "parse_switch_value", "parse_tf2onnx_log", "regenerate_in_child", "report_json", "report_text",
    "stderr_progress", "support_table_for_installed", "verify_model",
]
