"""Which TensorFlow op types tf2onnx converts, at which opset, read without importing tf2onnx.

The table is generated from tf2onnx's own handler registry by ``tfscout.converter.tables.support_table``
(in a child process: it imports TensorFlow). The table for the tf2onnx version tfscout pins ships
as package data (``data/tf2onnx-<version>.json``). When another tf2onnx is installed, the table for
it lives in the user cache (``$XDG_CACHE_HOME/tfscout`` or ``~/.cache/tfscout``), keyed by version;
a stale table is never used without saying so.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata, resources
from pathlib import Path
from typing import Any

from tfscout.defaults import DEFAULT_OPSET

DEFAULT_DOMAIN = ""
_PREFIX = "tf2onnx-"


@dataclass
class OpSupport:
    """The lowest version of each domain whose handlers convert one op type ("" = the ONNX domain)."""

    op: str
    domains: dict[str, int] = field(default_factory=dict)

    @property
    def min_opset(self) -> int | None:
        return self.domains.get(DEFAULT_DOMAIN)

    def extra_domains(self) -> dict[str, int]:
        return {d: v for d, v in self.domains.items() if d != DEFAULT_DOMAIN}


@dataclass
class SupportTable:
    """tf2onnx's handler registry, flattened: op type -> lowest version per domain."""

    tf2onnx_version: str
    ops: dict[str, dict[str, int]]
    max_opset: int = 18
    default_opset: int = DEFAULT_OPSET
    domains: dict[str, int] = field(default_factory=dict)
    source: str = "shipped"  # shipped | cache | file | fallback
    path: str = ""
    warnings: list[str] = field(default_factory=list)

    def get(self, op: str) -> OpSupport | None:
        entry = self.ops.get(op)
        return OpSupport(op, dict(entry)) if entry is not None else None

    def describe(self) -> str:
        return f"tf2onnx {self.tf2onnx_version} ({self.source})"


def table_to_json(table: dict[str, Any]) -> str:
    """The on-disk form: stable key order, one op type per line (small, readable diffs)."""
    head = {k: v for k, v in table.items() if k != "ops"}
    lines = ["{"]
    for key, value in head.items():
        lines.append(f"  {json.dumps(key)}: {json.dumps(value, sort_keys=True)},")
    lines.append('  "ops": {')
    items = sorted(table["ops"].items())
    for k, (op, domains) in enumerate(items):
        comma = "," if k < len(items) - 1 else ""
        lines.append(f"    {json.dumps(op)}: {json.dumps(domains, sort_keys=True)}{comma}")
    lines.append("  }")
    lines.append("}")
    return "\n".join(lines) + "\n"


def table_from_dict(raw: dict[str, Any], source: str, path: str) -> SupportTable:
    ops = raw.get("ops")
    version = raw.get("tf2onnx_version")
    if not isinstance(ops, dict) or not isinstance(version, str):
        raise ValueError("not a tf2onnx support table (no 'ops' or 'tf2onnx_version')")
    return SupportTable(
        tf2onnx_version=version,
        ops={str(op): {str(d): int(v) for d, v in domains.items()} for op, domains in ops.items()},
        max_opset=int(raw.get("max_opset", 18)), default_opset=int(raw.get("default_opset", DEFAULT_OPSET)),
        domains={str(d): int(v) for d, v in raw.get("domains", {}).items()}, source=source, path=path,
    )


def read_table(path: Path, source: str = "file") -> SupportTable:
    return table_from_dict(json.loads(path.read_text()), source, str(path))


def installed_tf2onnx_version() -> str | None:
    """The installed tf2onnx's version from its package metadata (cheap: nothing is imported)."""
    try:
        return metadata.version("tf2onnx")
    except metadata.PackageNotFoundError:
        return None


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "tfscout"


def cached_table_path(version: str) -> Path:
    return cache_dir() / f"{_PREFIX}{version}.json"


def shipped_tables() -> dict[str, Any]:
    """version -> the package-data file of each table shipped with tfscout."""
    data = resources.files("tfscout.inspector").joinpath("data")
    found = {}
    for entry in data.iterdir():
        name = entry.name
        if name.startswith(_PREFIX) and name.endswith(".json"):
            found[name[len(_PREFIX):-len(".json")]] = entry
    return found


def _version_key(version: str) -> tuple[int, ...]:
    parts = []
    for piece in version.split("."):
        digits = "".join(ch for ch in piece if ch.isdigit())
        parts.append(int(digits) if digits else 0)
    return tuple(parts)


def load_shipped(version: str | None = None) -> SupportTable:
    """A shipped table: the one for ``version``, or the newest shipped when it is None."""
    tables = shipped_tables()
    if not tables:
        raise FileNotFoundError("no tf2onnx support table in tfscout's package data")
    if version is None:
        version = max(tables, key=_version_key)
    entry = tables[version]
    return table_from_dict(json.loads(entry.read_text()), "shipped", str(entry))


def load_support_table(regenerate: Callable[[Path], None] | None = None,
                       installed: str | None = "auto") -> SupportTable:
    """The table for the installed tf2onnx.

    Shipped when it matches; else the user cache; else ``regenerate(path)`` writes it there. When
    none of that works, the newest shipped table is used and the returned table carries a warning.
    """
    version = installed_tf2onnx_version() if installed == "auto" else installed
    tables = shipped_tables()
    if version is None:
        table = load_shipped()
        table.warnings.append(f"tf2onnx is not installed: the pre-check uses the table shipped for tf2onnx "
                              f"{table.tf2onnx_version} (install it with: pip install 'tfscout[convert]')")
        return table
    if version in tables:
        return load_shipped(version)
    path = cached_table_path(version)
    problem = ""
    if path.exists():
        try:
            table = read_table(path, "cache")
            if table.tf2onnx_version == version:
                return table
            problem = f"{path} holds the table of tf2onnx {table.tf2onnx_version}"
        except (OSError, ValueError) as exc:
            problem = f"{path} is unreadable ({exc})"
    if regenerate is not None:
        try:
            regenerate(path)
            table = read_table(path, "cache")
            if table.tf2onnx_version == version:
                return table
            problem = f"the generated table is for tf2onnx {table.tf2onnx_version}"
        except Exception as exc:  # noqa: BLE001 - any failure falls back, and says so in the report
            problem = str(getattr(exc, "message", None) or exc).splitlines()[0] if str(exc) else type(exc).__name__
    table = load_shipped()
    table.source = "fallback"
    how = ("run `tfscout check` or `python -m tfscout.converter.tables.support_table` to generate it"
           if regenerate is None else f"generating it failed: {problem}")
    table.warnings.append(
        f"tf2onnx {version} is installed but the op support table is for tf2onnx {table.tf2onnx_version} "
        f"({how}); the pre-check may be wrong for ops that changed between the two")
    return table
