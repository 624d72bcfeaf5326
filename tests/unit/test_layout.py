"""The folder tree is the architecture: each part and each of its subpackages is used through its
``__init__`` (its ``__all__``), no folder holds more than 12 modules and no module more than 400 lines.

Read with ``ast`` from the source files; nothing is imported.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "tfscout"
# The parts whose insides are private to them: code outside a part imports only from the part itself.
PARTS = ("tfscout.inspector", "tfscout.converter", "tfscout.procs")
MAX_MODULES_PER_FOLDER = 12
MAX_LINES_PER_MODULE = 400


@dataclass(frozen=True)
class Import:
    where: str  # the importing module
    line: int
    module: str  # what ``from X import`` names, or what ``import X`` imports
    names: tuple[str, ...]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def source_files(*folders: str) -> list[Path]:
    return sorted(p for folder in folders for p in (ROOT / folder).rglob("*.py")
                  if "__snapshots__" not in p.parts)


def imports_of(path: Path) -> list[Import]:
    where = module_name(path)
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").startswith("tfscout"):
            found.append(Import(where, node.lineno, node.module or "", tuple(a.name for a in node.names)))
        elif isinstance(node, ast.Import):
            found.extend(Import(where, node.lineno, a.name, ())
                         for a in node.names if a.name.startswith("tfscout"))
    return found


def is_package(module: str) -> bool:
    return (ROOT / Path(*module.split(".")) / "__init__.py").is_file()


def is_module(module: str) -> bool:
    return is_package(module) or (ROOT / Path(*module.split("."))).with_suffix(".py").is_file()


def inside(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def packages_of(parts: tuple[str, ...]) -> list[str]:
    """Every package of the parts: the parts and their subpackages, at any depth."""
    found = []
    for part in parts:
        for init in (ROOT / Path(*part.split("."))).rglob("__init__.py"):
            found.append(module_name(init))
    return sorted(found)


def exported(package: str) -> set[str]:
    init = ROOT / Path(*package.split(".")) / "__init__.py"
    for node in ast.parse(init.read_text()).body:
        targets = node.targets if isinstance(node, ast.Assign) else []
        if any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets):
            return set(ast.literal_eval(node.value))
    return set()


def reached(imp: Import) -> list[str]:
    """The modules an import reaches: ``from P import m`` reaches ``P.m`` when m is a module."""
    if not imp.names:
        return [imp.module]
    subs = [f"{imp.module}.{n}" for n in imp.names if is_module(f"{imp.module}.{n}")]
    return [imp.module, *subs]


def outermost_private(target: str, importer: str) -> str | None:
    """The package whose insides ``target`` is and ``importer`` is not, outermost first; None when allowed.

    Package code outside a part may reach only the part; any other code (tests, bench, tools) may also
    reach a subpackage of a part, but nothing inside one.
    """
    for package in packages_of(PARTS):
        if inside(target, package) and target != package and not inside(importer, package):
            if importer.startswith("tfscout.") or package not in PARTS:
                return package
    return None


ALL_IMPORTS = [imp for path in source_files("tfscout", "tests", "bench", "tools") for imp in imports_of(path)]


def test_the_parts_are_found() -> None:
    packages = packages_of(PARTS)
    for expected in ("tfscout.inspector.load", "tfscout.inspector.graph", "tfscout.inspector.rank",
                     "tfscout.inspector.precheck", "tfscout.inspector.render", "tfscout.converter.surgery",
                     "tfscout.converter.verify", "tfscout.procs"):
        assert expected in packages
    assert len(ALL_IMPORTS) > 300  # the walk read the tree


def test_code_outside_a_package_imports_only_its_init() -> None:
    wrong = []
    for imp in ALL_IMPORTS:
        for target in reached(imp):
            if target in exported_modules(imp):
                continue
            private = outermost_private(target, imp.where)
            if private is not None:
                wrong.append(f"{imp.where}:{imp.line} imports {target} (use {private})")
    assert not wrong, "\n".join(wrong)


def exported_modules(imp: Import) -> set[str]:
    """Modules a package lists in its ``__all__`` (``optypes``) are part of its API."""
    if not imp.names or not is_package(imp.module):
        return set()
    return {f"{imp.module}.{n}" for n in imp.names if n in exported(imp.module)}


def test_names_imported_from_a_package_are_in_its_all() -> None:
    wrong = []
    for imp in ALL_IMPORTS:
        if not imp.names or not is_package(imp.module) or not any(inside(imp.module, p) for p in PARTS):
            continue
        if inside(imp.where, imp.module) and imp.where != imp.module:
            continue  # a package's own modules may use each other freely
        missing = [n for n in imp.names
                   if n not in exported(imp.module) and not is_module(f"{imp.module}.{n}")]
        if missing:
            wrong.append(f"{imp.where}:{imp.line} imports {', '.join(missing)} from {imp.module}, "
                         "not in its __all__")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("package", packages_of(PARTS))
def test_every_package_of_a_part_has_an_all(package: str) -> None:
    assert exported(package), f"{package}/__init__.py has no __all__"
    init = ROOT / Path(*package.split(".")) / "__init__.py"
    tree = ast.parse(init.read_text())
    bound = {a.asname or a.name for node in tree.body if isinstance(node, ast.ImportFrom) for a in node.names}
    bound |= {t.id for node in tree.body if isinstance(node, ast.Assign) for t in node.targets
              if isinstance(t, ast.Name)}
    bound |= {node.name for node in tree.body if isinstance(node, ast.FunctionDef | ast.ClassDef)}
    bound |= {n for n in exported(package) if is_module(f"{package}.{n}")}  # a submodule listed is importable
    assert exported(package) <= bound, f"{package}.__all__ names what it does not define: " \
                                       f"{sorted(exported(package) - bound)}"


def test_no_folder_holds_more_than_12_modules() -> None:
    folders: dict[Path, int] = {}
    for path in PACKAGE.rglob("*.py"):
        folders[path.parent] = folders.get(path.parent, 0) + 1
    crowded = {str(f.relative_to(ROOT)): n for f, n in folders.items() if n > MAX_MODULES_PER_FOLDER}
    assert not crowded, crowded
    assert max(folders.values()) >= 5  # the count saw the tree


def test_no_module_is_longer_than_400_lines() -> None:
    long = {str(p.relative_to(ROOT)): n for p in PACKAGE.rglob("*.py")
            if (n := len(p.read_text().splitlines())) > MAX_LINES_PER_MODULE}
    assert not long, long


def test_the_rule_catches_a_reach_inside() -> None:
    """The checks above would fail on the imports they forbid."""
    private = outermost_private
    assert private("tfscout.inspector.load.loaders", "tfscout.converter.freeze") == "tfscout.inspector"
    assert private("tfscout.inspector.load", "tfscout.converter.freeze") == "tfscout.inspector"
    assert private("tfscout.inspector.load.loaders", "tests.unit.test_x") == "tfscout.inspector.load"
    assert private("tfscout.inspector.load", "tests.unit.test_x") is None
    assert private("tfscout.inspector.load.sniff", "tfscout.inspector.scan.find") == "tfscout.inspector.load"
    assert private("tfscout.inspector.load.sniff", "tfscout.inspector.load.loaders") is None
    assert private("tfscout.inspector.api", "tfscout.inspector.scan.jobs") is None
    assert private("tfscout.procs.run", "tfscout.converter.api") == "tfscout.procs"
    assert reached(Import("x", 1, "tfscout.inspector.load", ("sniff",))) == [
        "tfscout.inspector.load", "tfscout.inspector.load.sniff"]
