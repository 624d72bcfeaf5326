"""SignatureDefs, legacy session-bundle signatures and node collections of a MetaGraphDef.

When a model carries signatures they are the strongest evidence of its interface.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tfscout.inspector.load.protos import MetaGraphDef, WireError, WireReader, wire_messages, wire_strings


@dataclass
class Signature:
    """A SignatureDef (or a session-bundle signature): named input and output tensors."""

    name: str
    method: str
    inputs: dict[str, str]
    outputs: dict[str, str]
    tags: list[str] = field(default_factory=list)

    @property
    def is_predict(self) -> bool:
        return self.method.endswith("/predict") or self.method == "predict"


def signatures_from_meta(meta: MetaGraphDef, tags: list[str]) -> list[Signature]:
    sigs = []
    for name, sig in sorted(meta.signature_def.items()):
        sigs.append(Signature(
            name=name,
            method=sig.method_name,
            inputs={k: v.name for k, v in sorted(sig.inputs.items())},
            outputs={k: v.name for k, v in sorted(sig.outputs.items())},
            tags=list(tags),
        ))
    return sigs


def _tensor_binding(data: memoryview) -> str:
    names = wire_strings(data, 1)
    return names[0] if names else ""


def _session_bundle_signature(name: str, data: memoryview) -> Signature | None:
    """tensorflow.serving.Signature: regression (1), classification (2) or generic (3)."""
    for f in WireReader(data).fields():
        if f.wire_type != 2:
            continue
        body: memoryview = f.value  # type: ignore[assignment]
        if f.number == 1:
            return Signature(name, "regress", {"input": _first_binding(body, 1)},
                             {"output": _first_binding(body, 2)})
        if f.number == 2:
            outs = {k: _first_binding(body, n) for k, n in (("classes", 2), ("scores", 3))}
            return Signature(name, "classify", {"input": _first_binding(body, 1)},
                             {k: v for k, v in outs.items() if v})
        if f.number == 3:
            bindings = {}
            for entry in wire_messages(body, 1):
                key = wire_strings(entry, 1)
                value = wire_messages(entry, 2)
                if key and value:
                    bindings[key[0]] = _tensor_binding(value[0])
            return Signature(name, "generic", bindings, {})
    return None


def _first_binding(body: memoryview, number: int) -> str:
    found = wire_messages(body, number)
    return _tensor_binding(found[0]) if found else ""


def session_bundle_signatures(meta: MetaGraphDef) -> list[Signature]:
    """Legacy TF Serving session bundles keep ``tensorflow.serving.Signatures`` in a collection.

    As TF Serving's bundle shim does, the generic signatures named ``inputs`` and ``outputs``
    together make the predict signature.
    """
    coll = meta.collection_def.get("serving_signatures")
    if coll is None:
        return []
    sigs: list[Signature] = []
    for any_msg in coll.any_list.value:
        if not any_msg.type_url.endswith("tensorflow.serving.Signatures"):
            continue
        try:
            fields = list(WireReader(any_msg.value).fields())
            named: dict[str, Signature] = {}
            for f in fields:
                if f.number == 1 and f.wire_type == 2:
                    sig = _session_bundle_signature("default", f.value)  # type: ignore[arg-type]
                    if sig:
                        sigs.append(sig)
                elif f.number == 2 and f.wire_type == 2:
                    key = wire_strings(f.value, 1)  # type: ignore[arg-type]
                    body = wire_messages(f.value, 2)  # type: ignore[arg-type]
                    if key and body:
                        sig = _session_bundle_signature(key[0], body[0])
                        if sig:
                            named[key[0]] = sig
        except WireError:
            continue
        if "inputs" in named and "outputs" in named:
            sigs.append(Signature("predict", "predict", named.pop("inputs").inputs,
                                  named.pop("outputs").inputs))
        sigs.extend(named.values())
    return sigs


def node_collections(meta: MetaGraphDef) -> dict[str, list[str]]:
    out = {}
    for key, coll in meta.collection_def.items():
        if coll.HasField("node_list") and coll.node_list.value:
            out[key] = list(coll.node_list.value)
    return out
