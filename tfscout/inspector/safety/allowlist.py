"""The allowlist: the op types tfscout lets TensorFlow run on the user's behalf, read without TensorFlow.

The package data ``data/pure_ops.json`` is generated from TensorFlow's op registry and reviewed (see
``python -m tfscout.converter.tables.pure_ops`` and ``docs/SECURITY.md``). An op is known to be safe
when it is pure, pure if the functions it calls are (the gate follows them), stateful but with its
state in the session's memory only, or conditional with an allowed attribute value. Everything else
is not known to be safe: the ops the table leaves out (each with its reason) and every op type the
registry does not hold (custom ops, ops of other TensorFlow versions).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

# ``attribute a (file), b (url)`` in the rules of an excluded op.
_ATTR_LIST = re.compile(r"attribute (?:[\w.]+ \(\w+\)(?:, )?)+")
_ATTR_ITEM = re.compile(r"([\w.]+) \((\w+)\)")


@dataclass(frozen=True)
class Condition:
    """A conditional op: safe while ``attr`` (or its registry default) is one of ``allowed``."""

    attr: str
    allowed: frozenset[str]
    default: str
    reason: str


@dataclass(frozen=True)
class Allowlist:
    tensorflow: str
    pure: frozenset[str]
    function_callers: frozenset[str]
    stateful_safe: frozenset[str]
    conditional: dict[str, Condition]
    excluded: dict[str, str]
    rules: dict[str, str]  # rule name -> what it means
    categories: dict[str, str]  # host attribute category -> what its value names

    def known(self, op: str) -> bool:
        """Safe by its type alone (a conditional op needs its attributes: see :meth:`judge`)."""
        return op in self.pure or op in self.function_callers or op in self.stateful_safe

    def judge(self, op: str, attrs: Any) -> str | None:
        """None when a node of ``op`` with ``attrs`` is known to be safe (its functions aside), else why not."""
        if self.known(op):
            return None
        condition = self.conditional.get(op)
        if condition is not None:
            return _judge_condition(op, condition, attrs)
        return self.reason(op)

    def reason(self, op: str) -> str:
        """Why ``op`` is not known to be safe, in words."""
        why = self.excluded.get(op)
        if why is None:
            return (f"not an op TensorFlow {self.tensorflow} registers (a custom op, or one of another "
                    "TensorFlow): nothing is known about what it does")
        return self._plain(why)

    def _plain(self, why: str) -> str:
        """The table's ``review: ...; rules: ...`` in words: the review's reason, else the rules' meanings."""
        review, _, rules = why.partition("; rules: ")
        if review.startswith("review: "):
            return review[len("review: "):]
        if not why.startswith("rules: "):
            return why
        words = []
        for item in _ATTR_LIST.sub("", why[len("rules: "):]).split(", "):
            if item in self.rules:
                words.append(self.rules[item])
        by_category: dict[str, list[str]] = {}
        for name, category in _ATTR_ITEM.findall(why):
            by_category.setdefault(category, []).append(name)
        for category, names in by_category.items():
            what = self.categories.get(category, "names something outside the graph")
            words.append(f"attribute {', '.join(names)}: {what}")
        return "; ".join(words) or why


def _judge_condition(op: str, condition: Condition, attrs: Any) -> str | None:
    value = condition.default
    if condition.attr in attrs:
        attr = attrs[condition.attr]
        if attr.WhichOneof("value") != "s":
            return f"its {condition.attr} is not a plain string (set where the function is called)"
        value = attr.s.decode("utf-8", "replace")
    if value in condition.allowed:
        return None
    return f"{condition.attr} is {value!r}: {condition.reason}"


@lru_cache(maxsize=1)
def default_allowlist() -> Allowlist:
    """The shipped allowlist (``tfscout/inspector/data/pure_ops.json``)."""
    raw = json.loads(resources.files("tfscout.inspector").joinpath("data/pure_ops.json").read_text())
    return allowlist_from_json(raw)


def allowlist_from_json(raw: dict[str, Any]) -> Allowlist:
    conditional = {op: Condition(c["attr"], frozenset(c["allowed"]), c.get("default", ""), c["reason"])
                   for op, c in raw["conditional"].items()}
    return Allowlist(tensorflow=str(raw["tensorflow"]), pure=frozenset(raw["pure"]),
                     function_callers=frozenset(raw["pure_if_functions_are"]),
                     stateful_safe=frozenset(raw["stateful_safe"]), conditional=conditional,
                     excluded=dict(raw["excluded"]), rules=dict(raw["rules"]),
                     categories={c: v["why"] for c, v in raw["host_attrs"].items()})
