"""Name scopes as a tree, the way TensorBoard groups a graph: ``a/b/c`` lives in scope ``a/b``.

Built once in a single pass over the names; a browser asks for one scope's children at a time,
so a 100,000-node graph never has to be laid out all at once.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

ROOT = ""
_DIGITS = re.compile(r"([0-9]+)")


@dataclass(frozen=True)
class ScopeChildren:
    """What sits directly inside one scope: sub-scopes (with how many nodes each holds) and nodes."""

    scopes: list[tuple[str, int]]  # (full scope path, nodes below it), by name
    nodes: list[int]               # node indices, by name


class ScopeIndex:
    """Children of every name scope, and how many nodes each scope holds in all."""

    def __init__(self, names: Sequence[str]) -> None:
        self.names = names
        self._nodes: dict[str, list[int]] = {}
        self._scopes: dict[str, set[str]] = {ROOT: set()}
        self._sizes: Counter[str] = Counter()
        for i, name in enumerate(names):
            parent = name.rpartition("/")[0]
            self._nodes.setdefault(parent, []).append(i)
            self._sizes[parent] += 1
            chain = []
            child = parent
            while child not in self._scopes:  # the root is always known
                chain.append(child)
                child = child.rpartition("/")[0]
            for scope in chain:
                self._scopes[scope] = set()
            for scope in chain:
                self._scopes[scope.rpartition("/")[0]].add(scope)
        for scope in sorted(self._scopes, key=lambda s: s.count("/"), reverse=True):
            if scope:
                self._sizes[scope.rpartition("/")[0]] += self._sizes[scope]

    def __contains__(self, scope: str) -> bool:
        return scope in self._scopes

    def size(self, scope: str) -> int:
        """Nodes in ``scope`` and below."""
        return self._sizes[scope]

    def children(self, scope: str = ROOT) -> ScopeChildren:
        names = self.names
        subs = sorted(self._scopes.get(scope, ()), key=natural_key)
        nodes = sorted(self._nodes.get(scope, ()), key=lambda i: natural_key(names[i]))
        return ScopeChildren(scopes=[(s, self._sizes[s]) for s in subs], nodes=nodes)

    def path_to(self, node: int) -> list[str]:
        """The scopes from the top down to the one holding ``node`` (``a/b/c`` -> ``a``, ``a/b``)."""
        parts = self.names[node].split("/")[:-1]
        return ["/".join(parts[: k + 1]) for k in range(len(parts))]


def natural_key(name: str) -> list[str | int]:
    """Sort ``block_2`` before ``block_10``."""
    # split() with a group puts the digit runs at odd positions: numbers there, text elsewhere,
    # so two keys never compare a number with a text
    return [int(part) if k % 2 else part.lower() for k, part in enumerate(_DIGITS.split(name))]


def leaf_name(path: str) -> str:
    return path.rpartition("/")[2]
