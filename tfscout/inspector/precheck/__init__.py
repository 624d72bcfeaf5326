"""The pre-check: what tf2onnx does to the path between the chosen inputs and outputs before its handlers
run, the verdict on each op type left (supported, needs opset N, needs an extra domain, conditional,
unsupported), a hint for each, and the table of what tf2onnx converts.

Above ``graph``; it takes the interface as :class:`Endpoints` and imports nothing of ``rank``.
"""

from __future__ import annotations

from tfscout.inspector.precheck.check import (
    MIN_OPSET,
    Endpoints,
    PrecheckResult,
    run_precheck,
    unsupported_set,
    validate_opset,
)
from tfscout.inspector.precheck.hints import convert_remedy, remedy_text
from tfscout.inspector.precheck.path import PathModel, trace_path
from tfscout.inspector.precheck.rewrites import NEUTRAL_OPS
from tfscout.inspector.precheck.support import (
    SupportTable,
    cached_table_path,
    installed_tf2onnx_version,
    load_shipped,
    load_support_table,
    read_table,
    shipped_tables,
    table_to_json,
)
from tfscout.inspector.precheck.verdicts import table_verdict

__all__ = [
    "MIN_OPSET", "NEUTRAL_OPS", "Endpoints", "PathModel", "PrecheckResult", "SupportTable",
    "cached_table_path", "convert_remedy", "installed_tf2onnx_version", "load_shipped", "load_support_table",
    "read_table", "remedy_text", "run_precheck", "shipped_tables", "table_to_json", "table_verdict",
    "trace_path", "unsupported_set", "validate_opset",
]
