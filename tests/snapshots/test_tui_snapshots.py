"""SVG snapshots of the TUI (pytest-textual-snapshot): the main screen at 160x48, 80x24 and 200x60,
a model with long names at 80x24, the graph picture, the search, the result screen.

Update them after an intended change with ``pytest tests/snapshots --snapshot-update`` and look
at the report before committing. The sample is opened by a relative path from its own folder so
that the paths on screen are the same on every machine.
"""

from __future__ import annotations

import pytest

from tests.functional.tui_helpers import main_screen, wait_for, wait_for_report
from tests.functional.tui_models import long_path_model
from tfscout.converter import ConversionReport, OutputError, TensorInfo
from tfscout.samples import samples_dir
from tfscout.tui.app import make_app
from tfscout.tui.screens.result import ResultScreen
from tfscout.tui.screens.search import SearchScreen
from tfscout.tui.session import convert_command
from tfscout.tui.widgets.graph_view import GraphView
from tfscout.tui.widgets.node_details import NodeDetails
from tfscout.tui.widgets.node_list import NodeList

SIZE = (160, 48)


@pytest.fixture
def sample(monkeypatch) -> str:
    monkeypatch.chdir(samples_dir())
    return "cnn_checkpoint"


async def settle(pilot) -> None:
    screen = await wait_for_report(pilot)
    details = screen.query_one(NodeDetails)
    await wait_for(pilot, lambda: screen.settled and details.info is not None
                   and details.info.index == screen.current, what="a settled screen")
    await pilot.wait_for_scheduled_animations()


def test_main_screen(snap_compare, sample):
    """The checkpoint just opened: ranked inputs, mode switch, outputs; the head in the details."""
    assert snap_compare(make_app(sample), terminal_size=SIZE, run_before=settle)


def test_main_screen_80x24(snap_compare, sample):
    """A small terminal: the verdict, every recommended output and every key still on screen."""
    assert snap_compare(make_app(sample), terminal_size=(80, 24), run_before=settle)


def test_main_screen_200x60(snap_compare, sample):
    """A big terminal: the graph picture and the pre-check get a column beside the node details."""

    async def pictured(pilot) -> None:
        await settle(pilot)
        screen = main_screen(pilot)
        view = screen.query_one("#aside-graph", GraphView)
        await wait_for(pilot, lambda: view.picture is not None and view.picture.centre == screen.current,
                       what="the picture")
        await pilot.pause()

    assert snap_compare(make_app(sample), terminal_size=(200, 60), run_before=pictured)


def test_long_names_80x24(snap_compare, tmp_path, monkeypatch):
    """Two heads under deep scopes at 80x24: the names wrap under themselves, both stay in view."""
    long_path_model(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert snap_compare(make_app("long_path.pb"), terminal_size=(80, 24), run_before=settle)


def test_graph_picture(snap_compare, sample):
    """``g``: the node shown and its neighbours in box-drawing characters."""

    async def picture(pilot) -> None:
        await settle(pilot)
        screen = main_screen(pilot)
        screen.show_node(screen.model.graph.find("logits"))
        await pilot.press("g")
        view = screen.query_one("#graph", GraphView)
        await wait_for(pilot, lambda: view.picture is not None and view.picture.centre == screen.current,
                       what="the picture")
        await wait_for(pilot, lambda: screen.query_one(NodeDetails).info is not None
                       and screen.query_one(NodeDetails).info.index == screen.current, what="the details")
        await pilot.pause()

    assert snap_compare(make_app(sample), terminal_size=SIZE, run_before=picture)


def test_search(snap_compare, sample, monkeypatch):
    """``/`` with a query typed: the fuzzy matches, best first, with how each matched. (The status shows the
    search time only when it is slow, which depends on how busy the machine is: never, here.)"""
    import tfscout.tui.screens.search as search_screen

    monkeypatch.setattr(search_screen, "SHOW_TIME_ABOVE", float("inf"))

    async def search(pilot) -> None:
        await settle(pilot)
        await pilot.press("slash")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, SearchScreen))
        for ch in "drop":
            await pilot.press(ch)
        screen = pilot.app.screen
        await wait_for(pilot, lambda: screen.shown_query == "drop" and screen.query_one(NodeList).items and "match"
                       in str(screen.query_one("#search-status").content), what="the results for the whole query")

    assert snap_compare(make_app(sample), terminal_size=SIZE, run_before=search)


def test_result_screen(snap_compare, sample):
    """The result of a conversion: verdict, per-output table, where the file went, the command."""
    report = ConversionReport(
        onnx="cnn.onnx", inputs=[TensorInfo("x:0", "float32", [-1, 28, 28, 1])],
        outputs=[TensorInfo("probabilities:0", "float32", [-1, 10])], opset=15, verified=True,
        max_abs_diff=5.96e-08, model="cnn_checkpoint", format="checkpoint", mode_switches={"keep_prob:0": 1.0},
        errors=[OutputError("probabilities:0", True, 5.96e-08, 1.2e-06, 0, 80, [8, 10], [8, 10], "float32",
                            "float32")])
    for stage, name, detail in (("freeze", "freeze variables to constants", "8 variables"),
                                ("tf2onnx", "convert with tf2onnx", "opset 15"),
                                ("verify", "compare with TensorFlow", "1 output matches")):
        report.add_step(stage, name, "done", detail)

    async def show(pilot) -> None:
        await settle(pilot)
        main = main_screen(pilot)
        command = convert_command(main.model, main.report, "cnn.onnx")
        await pilot.app.push_screen(ResultScreen(report, "cnn_checkpoint", "cnn.onnx", command,
                                                 main.report.tf2onnx_command))
        await pilot.pause()

    assert snap_compare(make_app(sample), terminal_size=SIZE, run_before=show)
