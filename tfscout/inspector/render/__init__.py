"""Renderers of the inspector's results: a Report as text (``inspect``) and as the JSON contract, the
pre-check as text (``check``), and drawings (``render``: Graphviz DOT, and SVG/PNG/PDF through ``dot``)."""

from __future__ import annotations

from tfscout.inspector.render.check_text import check_text
from tfscout.inspector.render.contract import report_json
from tfscout.inspector.render.draw import Drawing, around_drawing, draw, subgraph_drawing
from tfscout.inspector.render.drawing import format_of, tensor_caption, to_dot, write_picture
from tfscout.inspector.render.text import report_text

__all__ = [
    "Drawing", "around_drawing", "check_text", "draw", "subgraph_drawing", "format_of", "report_json",
    "report_text", "tensor_caption", "to_dot", "write_picture",
]
