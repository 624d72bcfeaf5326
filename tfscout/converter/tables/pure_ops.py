"""Generate the allowlist of op types tfscout lets TensorFlow run on the user's behalf.

Only ops known to be pure may run without ``--allow-unsafe``: no side effects, no state outside
their outputs, no host or network access. This module reads TensorFlow's op registry (the OpDef
protos of ``TF_GetAllOpList``, as ``tf_op_table`` does), applies the rules below to every op, then
the reviewed decisions of ``pure_ops_review``, and writes the result as package data that the
inspector reads without TensorFlow:

    python -m tfscout.converter.tables.pure_ops [OUT.json]

The rules, and why each one:

- ``stateful``: TensorFlow marks an op ``is_stateful`` when running it twice may not give the same
  result or has an effect beyond its outputs (random numbers, variables, queues, files, printing).
  Grappler neither folds nor deduplicates such ops. It is the registry's own word, but it is not
  enough: ReadFile, MatchingFiles, ImmutableConst, DecodeProtoV2, DatasetFromGraph, DebugIdentity,
  RegisterDatasetV2, Abort and PyFuncStateless are not marked, while Skipgram, DebugIdentityV3 and
  DumpTensor are.
- ``ref``: a ref input or output aliases a TF1 variable's buffer, which the op may change in place.
- ``resource``: a resource handle refers to state kept outside the dataflow (variables, tables,
  iterators, readers, summary writers, RPC clients); what the op does depends on what is behind it.
- ``variant``: a variant carries an opaque object: datasets (which run their own graphs and
  functions, read files and connect to servers: DatasetFromGraph runs a GraphDef held in a string,
  RegisterDatasetV2 connects to the address in its input), iterators, optionals, TensorLists.
- ``host_attr``: a string attribute that names a file, a URL or host, a device, shared state or
  code (see ``pure_ops_review.STRING_ATTRS``: every string attribute name in the registry is
  classified, and generation stops on one that is not).
- ``functions``: an op with a function attribute runs other code. It is not pure by itself; it is
  "pure if its functions are", and the gate scans every function it reaches with this allowlist.

Then the review: ``PURE_EXCLUSIONS`` leave out ops the rules would keep (file names in string
inputs, collectives, ...), ``FUNCTION_CALLERS``, ``STATEFUL_SAFE`` and ``CONDITIONAL`` put back ops
the rules leave out but that are safe. Every op left out is listed with the rules or review line
that left it out, and so is every op of the shipped tf2onnx support table that the registry lacks.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tfscout.converter.tables import pure_ops_review as review
from tfscout.errors import TfscoutError

DATA_DIR = Path(__file__).resolve().parent.parent.parent / "inspector" / "data"
DEFAULT_OUT = DATA_DIR / "pure_ops.json"
SUPPORT_TABLE = DATA_DIR / "tf2onnx-1.17.0.json"
DT_RESOURCE, DT_VARIANT = 20, 21
FUNC_ATTR_TYPES = frozenset({"func", "list(func)"})
STRING_ATTR_TYPES = frozenset({"string", "list(string)"})

RULES: dict[str, str] = {
    "stateful": "TensorFlow marks it stateful: running it has an effect beyond its outputs or depends on state",
    "ref": "a ref input or output: it can change a TF1 variable in place",
    "resource": "a resource input or output: it works on state kept outside the dataflow",
    "variant": "a variant input or output: it passes opaque objects such as datasets, which run their own "
               "graphs and functions",
    "host_attr": "an attribute names a file, a URL or host, a device, shared state or code",
    "functions": "it runs the functions its attributes name (pure only if they are)",
}

NOTES = [
    "An op type listed nowhere here, and not the name of a function of the graph's library, is not known to be "
    "safe.",
    "pure_if_functions_are, and a node whose op is a library function's name, are safe when every function they "
    "reach is: through any attribute (func, lists of funcs, the attrs of a NameAttrList, nested) and through the "
    "function's registered gradient (library.gradient).",
    "conditional: safe when the node's attribute, or the registry's default when the node has none, is one of "
    "the allowed values.",
    "excluded names the rules (see rules; host_attr with the attribute and its category, see host_attrs) and the "
    "review line that left each op out.",
]


@dataclass
class OpFacts:
    """What the rules need to know about one registered op."""

    name: str
    stateful: bool
    ref: bool
    resource: bool
    variant: bool
    host_attrs: dict[str, str] = field(default_factory=dict)  # attribute -> category
    func_attrs: list[str] = field(default_factory=list)
    string_defaults: dict[str, str] = field(default_factory=dict)


def string_attr_category(attr: str) -> str | None:
    for category, names in review.STRING_ATTRS.items():
        if attr in names:
            return category
    return None


def op_facts(op: Any) -> OpFacts:
    """The facts of one OpDef proto."""
    args = [*op.input_arg, *op.output_arg]
    facts = OpFacts(op.name, bool(op.is_stateful), any(a.is_ref for a in args),
                    any(a.type == DT_RESOURCE for a in args), any(a.type == DT_VARIANT for a in args))
    for attr in op.attr:
        if attr.type in FUNC_ATTR_TYPES:
            facts.func_attrs.append(attr.name)
        elif attr.type in STRING_ATTR_TYPES:
            category = string_attr_category(attr.name)
            if category is None:
                raise TfscoutError(f"the string attribute '{attr.name}' of {op.name} is not classified",
                                   "add it to STRING_ATTRS in tfscout/converter/tables/pure_ops_review.py")
            if category in review.HOST_CATEGORIES:
                facts.host_attrs[attr.name] = category
            if attr.type == "string" and attr.HasField("default_value"):
                facts.string_defaults[attr.name] = attr.default_value.s.decode("utf-8", "replace")
    return facts


def rule_hits(facts: OpFacts) -> list[str]:
    """The rules that leave the op out, in the order of RULES."""
    hits = [rule for rule in ("stateful", "ref", "resource", "variant") if getattr(facts, rule)]
    if facts.host_attrs:
        hits.append("host_attr")
    if facts.func_attrs:
        hits.append("functions")
    return hits


def _rule_text(facts: OpFacts, hits: list[str]) -> str:
    """``stateful, resource, attribute shared_name (shared)``: the rules by name (RULES says why)."""
    return ", ".join(
        "attribute " + ", ".join(f"{name} ({category})" for name, category in sorted(facts.host_attrs.items()))
        if rule == "host_attr" else rule for rule in hits)


def check_review(facts: dict[str, OpFacts]) -> list[str]:
    """Reviewed decisions that do not fit the registry: unknown ops, or a decision the rules make moot."""
    problems = []
    for name, listed in (("PURE_EXCLUSIONS", review.PURE_EXCLUSIONS), ("FUNCTION_CALLERS", review.FUNCTION_CALLERS),
                         ("STATEFUL_SAFE", review.STATEFUL_SAFE), ("CONDITIONAL", review.CONDITIONAL),
                         ("STATEFUL_REFUSED", review.STATEFUL_REFUSED)):
        problems += [f"{name}: {op} is not in the registry" for op in sorted(listed) if op not in facts]
    for op in sorted(set(review.PURE_EXCLUSIONS) & set(facts)):
        if set(rule_hits(facts[op])) - {"functions"}:
            problems.append(f"PURE_EXCLUSIONS: the rules already leave out {op}")
    for op in sorted(set(review.STATEFUL_SAFE) & set(facts)):
        f = facts[op]
        if not rule_hits(f):
            problems.append(f"STATEFUL_SAFE: {op} is pure by the rules")
        if f.func_attrs or set(f.host_attrs.values()) - review.IN_MEMORY_CATEGORIES:
            problems.append(f"STATEFUL_SAFE: {op} takes functions or names files, hosts or code")
    for op in sorted(set(review.FUNCTION_CALLERS) & set(facts)):
        f = facts[op]
        if not f.func_attrs or f.host_attrs or f.ref or f.resource or f.variant:
            problems.append(f"FUNCTION_CALLERS: {op} takes no function, or has other reasons to be left out")
    for op, (attr, _allowed, _why) in sorted(review.CONDITIONAL.items()):
        if op in facts and attr not in facts[op].host_attrs:
            problems.append(f"CONDITIONAL: {attr} is not an attribute of {op} that the rules refuse")
    for op in sorted(set(review.STATEFUL_REFUSED) & set(facts)):
        if not rule_hits(facts[op]):
            problems.append(f"STATEFUL_REFUSED: {op} is pure by the rules (use PURE_EXCLUSIONS)")
    overlap = (set(review.PURE_EXCLUSIONS) | set(review.STATEFUL_REFUSED)) & \
        (set(review.STATEFUL_SAFE) | set(review.FUNCTION_CALLERS) | set(review.CONDITIONAL))
    problems += [f"{op} is both refused and allowed by the review" for op in sorted(overlap)]
    return problems


def rules_pure(facts: dict[str, OpFacts]) -> tuple[set[str], set[str]]:
    """(pure, pure if their functions are) by the rules alone, before the review."""
    pure = {op for op, f in facts.items() if not rule_hits(f)}
    callers = {op for op, f in facts.items() if rule_hits(f) == ["functions"]}
    return pure, callers


def generate_pure_ops(op_defs: Iterable[Any], tensorflow_version: str,
                      support_ops: Iterable[str] = ()) -> dict[str, Any]:
    """The allowlist from OpDef protos and the review (no TensorFlow needed here)."""
    facts = {f.name: f for f in (op_facts(op) for op in op_defs)}
    problems = check_review(facts)
    if problems:
        raise TfscoutError("the reviewed lists do not fit this registry: " + "; ".join(problems),
                           "update tfscout/converter/tables/pure_ops_review.py")
    pure, callers = rules_pure(facts)
    pure -= set(review.PURE_EXCLUSIONS)
    callers = (callers - set(review.PURE_EXCLUSIONS)) | set(review.FUNCTION_CALLERS)
    conditional = {op: {"attr": attr, "allowed": list(allowed), "default": facts[op].string_defaults.get(attr, ""),
                        "reason": why} for op, (attr, allowed, why) in sorted(review.CONDITIONAL.items())}
    allowed = pure | callers | set(review.STATEFUL_SAFE) | set(conditional)
    excluded: dict[str, str] = {}
    by_rule, only_by_rule = dict.fromkeys(RULES, 0), dict.fromkeys(RULES, 0)
    for op in sorted(set(facts) - allowed):
        hits = rule_hits(facts[op])
        for rule in hits:
            by_rule[rule] += 1
        if len(hits) == 1:
            only_by_rule[hits[0]] += 1
        reviewed = review.PURE_EXCLUSIONS.get(op) or review.STATEFUL_REFUSED.get(op)
        rules = f"rules: {_rule_text(facts[op], hits)}" if hits else ""
        excluded[op] = f"review: {reviewed}" + (f"; {rules}" if rules else "") if reviewed else rules
    unregistered = sorted(set(support_ops) - set(facts))
    for op in unregistered:
        excluded[op] = (f"not in TensorFlow {tensorflow_version}'s op registry: TensorFlow cannot run it, so nothing "
                        "is known about it (a tf2onnx pattern or TFLite name, or an op of another TensorFlow)")
    return {
        "generated_by": "python -m tfscout.converter.tables.pure_ops",
        "tensorflow": tensorflow_version,
        "rules": RULES,
        "notes": NOTES,
        "host_attrs": {c: {"why": review.CATEGORY_REASONS[c], "attrs": sorted(review.STRING_ATTRS[c])}
                       for c in sorted(review.HOST_CATEGORIES)},
        "pure": sorted(pure),
        "pure_if_functions_are": {op: facts[op].func_attrs for op in sorted(callers)},
        "stateful_safe": dict(sorted(review.STATEFUL_SAFE.items())),
        "conditional": conditional,
        "excluded": excluded,
        "counts": {
            "registry": len(facts), "pure": len(pure), "pure_if_functions_are": len(callers),
            "stateful_safe": len(review.STATEFUL_SAFE), "conditional": len(conditional),
            "excluded": len(excluded) - len(unregistered), "excluded_by_rule": by_rule,
            "excluded_only_by_rule": only_by_rule,
            "excluded_by_review": len(set(review.PURE_EXCLUSIONS) & set(facts)),
            "support_table_not_in_registry": len(unregistered),
        },
    }


def registry_op_defs() -> tuple[list[Any], str]:
    """Every op registered in the installed TensorFlow (imports TensorFlow), and its version."""
    import tensorflow as tf
    from tensorflow.core.framework import op_def_pb2
    from tensorflow.python.client import pywrap_tf_session as c_api

    op_list = op_def_pb2.OpList()
    op_list.ParseFromString(bytes(c_api.TF_GetBuffer(c_api.TF_GetAllOpList())))
    return list(op_list.op), str(tf.__version__)


def support_table_ops(path: Path = SUPPORT_TABLE) -> list[str]:
    return sorted(json.loads(path.read_text())["ops"])


def generate_from_registry() -> dict[str, Any]:
    op_defs, version = registry_op_defs()
    return generate_pure_ops(op_defs, version, support_table_ops())


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    out = Path(args[0]) if args else DEFAULT_OUT
    table = generate_from_registry()
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(table, indent=1, sort_keys=False) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
