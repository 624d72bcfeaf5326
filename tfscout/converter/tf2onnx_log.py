"""Read what tf2onnx said, line by line.

tf2onnx 1.17 exits 0 and writes a model even when ops are unsupported: it only logs
``Tensorflow op [name: Type] is not supported`` (one line per node) and a summary
``Unsupported ops: Counter({...})``. The per-node lines are the ground truth; the summary is not
parsed (a TF op may itself be called ``Counter``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_NOT_SUPPORTED_RE = re.compile(r"Tensorflow op \[(?P<node>.+): (?P<op>[A-Za-z0-9_>.\-]+)\] is not supported\s*$")
_FAILED_NODE_RE = re.compile(r"Failed to convert node (?P<node>'.*?'|\".*?\")")
_REWRITER_RE = re.compile(r"rewriter (?P<rewriter>.+?): exception (?P<error>.*)$")
_EXCEPTION_RE = re.compile(r"^(?P<type>[A-Za-z_][A-Za-z0-9_.]*(Error|Exception|Exit)): (?P<msg>.*)$")
_OPSET_RE = re.compile(r"Using opset <onnx, (?P<opset>\d+)>")


@dataclass
class Tf2onnxLog:
    """The facts in a tf2onnx run's log."""

    unsupported: dict[str, list[str]] = field(default_factory=dict)  # op type -> node names
    failed_nodes: list[str] = field(default_factory=list)
    rewriter_errors: list[str] = field(default_factory=list)
    exception: str | None = None  # the last "SomeError: message" line of a traceback
    opset: int | None = None
    errors: list[str] = field(default_factory=list)  # every ERROR line, as written

    @property
    def ok(self) -> bool:
        return not self.unsupported and not self.failed_nodes and self.exception is None

    def unsupported_counts(self) -> dict[str, int]:
        return {op: len(nodes) for op, nodes in self.unsupported.items()}


def parse_tf2onnx_log(lines: list[str]) -> Tf2onnxLog:
    log = Tf2onnxLog()
    in_traceback = False
    for raw in lines:
        line = raw.rstrip()
        match = _NOT_SUPPORTED_RE.search(line)
        if match:
            log.unsupported.setdefault(match.group("op"), []).append(match.group("node"))
            log.errors.append(line)
            continue
        match = _FAILED_NODE_RE.search(line)
        if match:
            log.failed_nodes.append(match.group("node")[1:-1])
            log.errors.append(line)
            continue
        match = _REWRITER_RE.search(line)
        if match:
            log.rewriter_errors.append(line)
            continue
        match = _OPSET_RE.search(line)
        if match:
            log.opset = int(match.group("opset"))
            continue
        if line.startswith("Traceback (most recent call last):"):
            in_traceback = True
            continue
        if in_traceback:
            match = _EXCEPTION_RE.match(line)
            if match:
                log.exception = line
                in_traceback = False
            continue
        if " - ERROR - " in line or line.startswith("ERROR"):
            log.errors.append(line)
    return log
