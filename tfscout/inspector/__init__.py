"""The inspector: everything tfscout knows about a TF1 model without TensorFlow.

A path goes in (:func:`inspect_model`, or :func:`analyse_path` then :func:`choose_interface` and
:func:`report_for`) and a :class:`Report` comes out: the ranked inputs and outputs, the mode switches,
the pre-check, the unsafe ops and the tf2onnx command. Code outside the inspector imports from here.

Layers, each importing only those below it (``make lint`` checks them)::

    scan | render          many models; text, JSON and drawings
    api                    inspect_model, analyse_path, report_for
    rank | precheck | safety | explore
    formats                shapes, statuses, sizes and colours as text
    report                 the Report and its parts (plain dataclasses)
    graph                  Graph, GraphAnalysis
    load                   bytes to a ModelSource
    optypes                exact op-type sets
"""

from __future__ import annotations

from tfscout.inspector import optypes
from tfscout.inspector.api import analyse_path, inspect_model, report_for
from tfscout.inspector.explore import (
    TIER_LABELS,
    EdgeInfo,
    Link,
    Neighbourhood,
    NodeInfo,
    NodeSearch,
    ScopeIndex,
    SearchResult,
    around,
    between,
    describe_node,
    leaf_name,
    link_tree,
)
from tfscout.inspector.formats import human_size, shape_text, status_text
from tfscout.inspector.graph import Graph, GraphAnalysis, TensorRef, op_arg_spec, split_tensor_name
from tfscout.inspector.load import ModelSource, dtype_name, load_source, model_files, shape_dims
from tfscout.inspector.precheck import (
    Endpoints,
    PrecheckResult,
    SupportTable,
    cached_table_path,
    convert_remedy,
    load_support_table,
    remedy_text,
    run_precheck,
    table_to_json,
    unsupported_set,
    validate_opset,
)
from tfscout.inspector.rank import (
    GIVEN_REASON,
    Interface,
    choose_interface,
    command_spec,
    parse_shape_suffix,
    resolve_names,
    shape_suffix,
    split_names,
    tf2onnx_argv,
)
from tfscout.inspector.render import (
    Drawing,
    check_text,
    draw,
    format_of,
    report_json,
    report_text,
    tensor_caption,
    to_dot,
    write_picture,
)
from tfscout.inspector.report import (
    BLOCKING_STATUSES,
    Finding,
    ModeSwitch,
    OpIssue,
    OpsetAdvice,
    PrecheckSummary,
    Report,
    SignatureInfo,
    TensorCandidate,
    TensorInfo,
    UnsafeOp,
)
from tfscout.inspector.safety import (
    CONFIRMING,
    CONVERTING,
    FREEZING,
    SafetyVerdict,
    check_graph,
    check_interface,
    initial_value_tensors,
)
from tfscout.inspector.scan import (
    ScanResult,
    ScanRow,
    scan_csv,
    scan_folder,
    scan_json,
    scan_text,
    summary_line,
)

__all__ = [
    "BLOCKING_STATUSES", "CONFIRMING", "CONVERTING", "FREEZING", "GIVEN_REASON", "TIER_LABELS", "Drawing",
    "EdgeInfo", "Endpoints", "Finding", "Graph", "GraphAnalysis", "Interface", "Link", "ModeSwitch",
    "ModelSource", "Neighbourhood", "NodeInfo", "NodeSearch", "OpIssue", "OpsetAdvice", "PrecheckResult",
    "PrecheckSummary", "Report", "SafetyVerdict", "ScanResult", "ScanRow", "ScopeIndex", "SearchResult",
    "SignatureInfo", "SupportTable", "TensorCandidate", "TensorInfo", "TensorRef", "UnsafeOp", "analyse_path",
    "around", "between", "cached_table_path", "check_graph", "check_interface", "check_text",
    "choose_interface", "command_spec", "convert_remedy", "describe_node", "draw", "dtype_name", "format_of",
    "human_size", "initial_value_tensors", "inspect_model", "leaf_name", "link_tree", "load_source",
    "load_support_table", "model_files", "op_arg_spec", "optypes", "parse_shape_suffix", "remedy_text",
    "report_for", "report_json", "report_text", "resolve_names", "run_precheck", "scan_csv", "scan_folder",
    "scan_json", "scan_text", "shape_dims", "shape_suffix", "shape_text", "split_names", "split_tensor_name",
    "status_text", "summary_line", "table_to_json", "tensor_caption", "tf2onnx_argv", "to_dot",
    "unsupported_set", "validate_opset", "write_picture",
]
