"""The one gate (``gate``) over the allowlist of op types known to be safe (``allowlist``).

What tfscout lets TensorFlow run on the user's behalf: :func:`check_graph` and :func:`check_interface`
judge every node that would run, and :meth:`SafetyVerdict.refuse` is the one refusal error.
"""

from __future__ import annotations

from tfscout.inspector.safety.allowlist import Allowlist, default_allowlist
from tfscout.inspector.safety.gate import (
    CONFIRMING,
    CONVERTING,
    FREEZING,
    SafetyVerdict,
    check_graph,
    check_interface,
    initial_value_tensors,
)

__all__ = [
    "CONFIRMING", "CONVERTING", "FREEZING", "Allowlist", "SafetyVerdict", "check_graph",
    "check_interface", "default_allowlist", "initial_value_tensors",
]
