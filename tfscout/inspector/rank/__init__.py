"""The interface: which tensors to feed and fetch, ranked with their reasons, the mode switches, the cut
points of input pipelines, the names the user or a SignatureDef gives, and the tf2onnx command.

Above ``graph``; beside ``precheck`` and ``safety``, which it does not import (nor they it).
"""

from __future__ import annotations

from tfscout.inspector.rank.candidates import GIVEN_REASON, input_candidates, output_candidates
from tfscout.inspector.rank.command import command_spec, shape_suffix, tf2onnx_argv, tf2onnx_command
from tfscout.inspector.rank.cuts import CutPoint, find_cut_points
from tfscout.inspector.rank.given import parse_shape_suffix, resolve_names, split_names
from tfscout.inspector.rank.interface import Interface, choose_interface, input_shape
from tfscout.inspector.rank.modes import find_mode_switches
from tfscout.inspector.rank.outputs import OutputScore, choose_heads, rank_outputs

__all__ = [
    "GIVEN_REASON", "CutPoint", "Interface", "OutputScore", "choose_heads", "choose_interface", "command_spec",
    "find_cut_points", "find_mode_switches", "input_candidates", "input_shape", "output_candidates",
    "parse_shape_suffix", "rank_outputs", "resolve_names", "shape_suffix", "split_names", "tf2onnx_argv",
    "tf2onnx_command",
]
