"""Host ops: no crafted model writes, reads, connects or ends a process through freeze, convert, verify or
check --confirm without --allow-unsafe, wherever it hides its work (issue 12, "Host ops that ran").

A model whose hostile part runs with the chosen subgraph must be refused in one line that names the
op and --allow-unsafe; a model whose hostile part runs only when TensorFlow's own loaders load it
(main_op, legacy_init_op, the Saver's restore op, asset paths) must never be handed to them. The
second half proves each model really does what it is built to do.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import run_tfscout
from tests.security.attacks import WAIT, attack_for, tensorflow_child, wait_for_done
from tests.security.conftest import (
    COMMANDS,
    FifoCanary,
    HostWatch,
    Listener,
    describe,
    error_line,
    run_command,
)
from tests.security.hostile import BY_NAME, HOSTILE, Probe

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1800)]
ON_PATH = sorted(h.name for h in HOSTILE if h.runs == "path")
IN_LOADERS = sorted(h.name for h in HOSTILE if h.runs == "loader")
REAL = sorted(h.name for h in HOSTILE if h.effect != "exit")


def _nothing_written(work: Path) -> list[str]:
    return sorted(p.name for p in work.iterdir()) if work.exists() else []


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("name", ON_PATH)
def test_hostile_work_on_the_path_is_refused(name: str, command: str, host: HostWatch, models: dict[str, Path],
                                             harmless_onnx: Path, tmp_path: Path) -> None:
    hostile = BY_NAME[name]
    host.reset()
    result = run_command(command, models[name], tmp_path / "work", harmless_onnx, *hostile.args,
                         timeout=hostile.timeout)
    assert host.seen() == [], f"{command} let {name} touch the host ({hostile.what}): {describe(result)}"
    assert result.returncode == 1, describe(result)
    line = error_line(result)
    assert "--allow-unsafe" in line and hostile.op in line, line
    assert _nothing_written(tmp_path / "work") == []


# convert's path holds freeze's and verify's (the same freezing child, with the reference run verify
# and convert share, then tf2onnx); check --confirm freezes with a child of its own before its tf2onnx run.
LOADER_PATHS = ("convert", "check --confirm")


@pytest.mark.parametrize("command", LOADER_PATHS)
@pytest.mark.parametrize("name", IN_LOADERS)
def test_init_restore_and_asset_ops_never_run(name: str, command: str, host: HostWatch, models: dict[str, Path],
                                              harmless_onnx: Path, tmp_path: Path) -> None:
    """tf2onnx is given a frozen GraphDef tfscout built, never the SavedModel or the checkpoint."""
    host.reset()
    result = run_command(command, models[name], tmp_path / "work", harmless_onnx)
    assert host.seen() == [], f"{command} let {name} touch the host ({BY_NAME[name].what}): {describe(result)}"
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, describe(result)


def test_refused_before_anything_runs_even_with_json(host: HostWatch, models: dict[str, Path],
                                                     tmp_path: Path) -> None:
    """--json changes the output, not the gate: the refusal is still one line on stderr, stdout stays empty."""
    host.reset()
    result = run_tfscout("convert", str(models["nested_func_attr"]), "-o", str(tmp_path / "out.onnx"), "--json")
    assert host.seen() == [], describe(result)
    assert result.returncode == 1 and result.stdout == "", describe(result)
    assert "WriteFile" in error_line(result)


# ---------------------------------------------------------------------------------------------
# The attacks are real


@pytest.fixture(scope="module")
def attacks(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, list[str]]]:
    """What each crafted model (but abort, which ends the process) did to a probe of its own when
    TensorFlow ran it: one TensorFlow child for them all."""
    root = tmp_path_factory.mktemp("attacks")
    watches: dict[str, HostWatch] = {}
    for name in REAL:
        (root / name / "outbox").mkdir(parents=True)
        canary, listener = FifoCanary(root / name / "canary"), Listener()
        watches[name] = HostWatch(Probe(root / name / "outbox", canary.path, listener.port), canary, listener)
    try:
        plan = [attack_for(name, watches[name].probe, root / "models") for name in REAL]
        with tensorflow_child(plan, root / "spec.json") as child:
            lines = wait_for_done(child)
            for attack in plan:
                if attack.background:  # its client keeps retrying: the first connection is what it does
                    watches[attack.name].listener.connected.wait(WAIT)
        yield {name: [*watch.seen(), *(line for line in lines if line.split(" ")[1].rstrip(":") == name)]
               for name, watch in watches.items()}
    finally:
        for watch in watches.values():
            watch.canary.close()
            watch.listener.close()


@pytest.mark.parametrize("name", REAL)
def test_tensorflow_itself_lets_the_model_touch_the_host(name: str, attacks: dict[str, list[str]]) -> None:
    """Run by TensorFlow (its session, its SavedModel and checkpoint loaders, as tf2onnx's --saved-model and
    --checkpoint do), every crafted model does what it is built to do: the refusals above are what stop it."""
    expected = {"write": "wrote", "read": "opened the canary", "connect": "connected"}[BY_NAME[name].effect]
    assert any(s.startswith(expected) for s in attacks[name]), f"{name} did not {BY_NAME[name].effect}: {attacks[name]}"


def test_with_allow_unsafe_the_model_touches_the_host(host: HostWatch, models: dict[str, Path],
                                                      harmless_onnx: Path) -> None:
    """--allow-unsafe takes the gate away: verify runs the model in TensorFlow (its reference run)."""
    hostile = BY_NAME["nested_func_attr"]
    host.reset()
    result = run_tfscout("verify", str(models[hostile.name]), str(harmless_onnx), "--allow-unsafe",
                         "--timeout", f"{hostile.timeout:g}", timeout=600)
    assert f"wrote {hostile.name}" in host.seen(), f"{hostile.name} did not write: {describe(result)}"
