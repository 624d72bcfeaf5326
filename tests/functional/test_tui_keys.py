"""What a lazygit or k9s user expects of the keys, dialogs and panes (issue 14), with Pilot."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console
from textual.widgets import DirectoryTree, Input, OptionList, Static

from tests.functional.tui_helpers import run_async, type_text, wait_for, wait_for_report, wait_settled
from tests.functional.tui_models import blocked_model
from tfscout.converter import ConversionReport
from tfscout.samples import checkpoint_dir
from tfscout.tui.app import make_app
from tfscout.tui.screens.help import HelpScreen
from tfscout.tui.screens.main import MainScreen
from tfscout.tui.screens.open import OpenScreen, complete_path
from tfscout.tui.screens.prompt import ConfirmScreen, PromptScreen
from tfscout.tui.screens.result import ResultScreen
from tfscout.tui.widgets.glyph_graph import draw_neighbourhood
from tfscout.tui.widgets.graph_view import GraphView
from tfscout.tui.widgets.interface import CandidateList
from tfscout.tui.widgets.keybar import KeyBar
from tfscout.tui.widgets.node_list import NodeList
from tfscout.tui.widgets.scope_tree import ScopeTree

SIZE = (160, 48)


@pytest.fixture(scope="module")
def sample() -> str:
    return str(checkpoint_dir())


def ids(lst: CandidateList) -> list[str]:
    return [lst.get_option_at_index(k).id for k in range(lst.option_count)]


def question(pilot) -> str:
    return str(pilot.app.screen.query_one("#confirm-question", Static).content)


@run_async
async def test_esc_leaves_the_node_filter_and_j_k_move(sample):
    app = make_app(sample)
    async with app.run_test(size=SIZE) as pilot:
        screen = await wait_for_report(pilot)
        await pilot.press("f")
        await type_text(pilot, "relu q")  # q is text here, not quit
        assert screen.query_one("#node-filter", Input).value == "relu q"
        await pilot.press("backspace", "backspace")
        await pilot.press("escape")
        nodes = screen.query_one("#nodes", NodeList)
        assert screen.focused is nodes and screen.query_one("#node-filter", Input).value == "relu"
        await pilot.press("j", "j", "k")
        assert nodes.cursor == 1
        assert app.is_running


@run_async
async def test_lists_move_on_keep_their_rows_and_show_focus(sample):
    app = make_app(sample)
    async with app.run_test(size=SIZE) as pilot:
        screen = await wait_for_report(pilot)
        inputs = screen.query_one("#inputs", CandidateList)
        inputs.focus()
        await pilot.pause()
        assert screen.query_one("#inputs-section").has_pseudo_class("focus-within")
        assert not screen.query_one("#outputs-section").has_pseudo_class("focus-within")
        inputs.highlighted = inputs.option_count - 2
        await pilot.press("j")
        assert inputs.highlighted == inputs.option_count - 1
        await pilot.press("down")  # past the last row: on to the mode switches
        assert screen.focused is screen.query_one("#modes", CandidateList)
        await pilot.press("k")  # and back
        assert screen.focused is inputs
        # a toggle marks the row; it does not move it (nor the rows around it)
        outputs = screen.query_one("#outputs", CandidateList)
        outputs.focus()
        before = ids(outputs)
        outputs.highlighted = before.index("logits:0")
        await pilot.press("enter")
        await wait_settled(pilot, screen)
        assert "logits:0" in [c.name for c in screen.report.recommended_outputs]
        assert ids(outputs) == before and outputs.current_tensor == "logits:0"


@run_async
async def test_right_and_left_expand_and_collapse_scopes(sample):
    app = make_app(sample)
    async with app.run_test(size=SIZE) as pilot:
        screen = await wait_for_report(pilot)
        tree = screen.query_one(ScopeTree)
        await pilot.press("t")
        tree.move_cursor(next(c for c in tree.root.children if c.data.scope == "conv1"))
        await pilot.pause()
        scope = tree.cursor_node
        assert not scope.is_expanded
        await pilot.press("right")
        assert scope.is_expanded
        await pilot.press("right")
        assert tree.cursor_node.parent is scope
        await pilot.press("left")
        assert tree.cursor_node is scope and scope.is_expanded
        await pilot.press("left")
        assert not scope.is_expanded


@run_async
async def test_scope_tree_marks_the_path_and_training_scopes(sample):
    app = make_app(sample)
    async with app.run_test(size=SIZE) as pilot:
        screen = await wait_for_report(pilot)
        tree = screen.query_one(ScopeTree)
        await wait_for(pilot, lambda: tree.marks.training, what="the training marks")
        labels = {c.data.scope: str(c.label) for c in tree.root.children if c.data.scope}
        assert "● " in labels["conv1"] and "on the path" in labels["conv1"]
        assert "training" in labels["gradients"] and "●" not in labels["gradients"]
        assert "training" not in labels["conv1"]


@run_async
async def test_q_on_the_result_screen_asks_before_quitting(sample):
    app = make_app(sample)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_report(pilot)
        await pilot.app.push_screen(ResultScreen(ConversionReport(verified=True), sample, "m.onnx", "tfscout convert"))
        await pilot.press("q")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, ConfirmScreen), what="the question")
        await pilot.press("escape")
        assert isinstance(pilot.app.screen, ResultScreen) and app.is_running
        await pilot.press("q", "y")
        await wait_for(pilot, lambda: not app.is_running, what="quitting")


@run_async
async def test_convert_anyway_is_asked_when_the_precheck_says_it_fails(tmp_path):
    app = make_app(str(blocked_model(tmp_path)))
    async with app.run_test(size=SIZE) as pilot:
        screen = await wait_for_report(pilot)
        await pilot.press("x")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, ConfirmScreen), what="the question")
        assert "Lgamma" in question(pilot) and "Convert anyway?" in question(pilot)
        await pilot.press("n")
        assert pilot.app.screen is screen
        await pilot.press("x", "y")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, PromptScreen), what="the file name")


def test_path_completion(tmp_path):
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "frozen_graph.pb").write_bytes(b"")
    (tmp_path / "models" / "frozen_graph_v2.pb").write_bytes(b"")
    (tmp_path / "models" / "checkpoint_dir").mkdir()
    assert complete_path(f"{tmp_path}/mo") == f"{tmp_path}/models/"
    assert complete_path(f"{tmp_path}/models/fr") == f"{tmp_path}/models/frozen_graph"
    assert complete_path(f"{tmp_path}/models/frozen_graph") is None  # two ways on: nothing more to add
    assert complete_path(f"{tmp_path}/models/ch") == f"{tmp_path}/models/checkpoint_dir/"
    assert complete_path(f"{tmp_path}/nothing/x") is None


@run_async
async def test_open_dialog_completes_picks_and_remembers(sample, tmp_path):
    app = make_app(None, state_dir=tmp_path / "state")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, OpenScreen), what="the open dialog")
        dialog = pilot.app.screen
        assert not dialog.query_one("#open-recent-box").display  # nothing opened yet
        box = dialog.query_one("#open-path", Input)
        folder = str(Path(sample).parent)
        box.value = f"{folder}/cnn_che"
        box.cursor_position = len(box.value)
        await wait_for(pilot, lambda: box._suggestion, what="a completion")
        await pilot.press("tab")
        assert box.value == f"{folder}/cnn_checkpoint/"
        await pilot.press("enter")
        screen = await wait_for_report(pilot)
        assert screen.model.path.rstrip("/") == sample
        # the picker: a file chosen in the tree opens
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, OpenScreen), what="the open dialog again")
        dialog = pilot.app.screen
        recent = dialog.query_one("#open-recent", OptionList)
        assert dialog.query_one("#open-recent-box").display
        assert recent.get_option_at_index(0).id == str(Path(sample).resolve())
        tree = dialog.query_one(DirectoryTree)
        tree.post_message(DirectoryTree.FileSelected(tree.root, Path(folder) / "cnn_frozen.pb"))
        await wait_for(pilot, lambda: screen.model is not None and screen.model.path.endswith("cnn_frozen.pb")
                       and screen.report is not None, what="the picked file")
        # recent models, newest first
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, OpenScreen), what="the open dialog, third time")
        recent = pilot.app.screen.query_one("#open-recent", OptionList)
        assert [recent.get_option_at_index(k).id for k in range(recent.option_count)][:2] == [
            str(Path(folder, "cnn_frozen.pb").resolve()), str(Path(sample).resolve())]
        recent.focus()
        recent.highlighted = 1
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.model is not None and screen.model.path.rstrip("/") == sample
                       and screen.report is not None, what="the recent model")


@run_async
async def test_graph_picture_follows_the_selection(sample):
    app = make_app(sample)
    async with app.run_test(size=SIZE) as pilot:
        screen = await wait_for_report(pilot)
        g = screen.model.graph
        await pilot.press("g")
        view = screen.query_one("#graph", GraphView)
        await wait_for(pilot, lambda: view.picture is not None and view.picture.centre == screen.current,
                       what="the picture")
        text = "\n".join(view.picture.lines)
        assert "╔" in text and "┌" in text and "▼" in text
        feeder = g.inputs[screen.current][0][0]
        assert any(b.node == feeder for b in view.picture.boxes)
        screen.show_node(feeder)
        await wait_for(pilot, lambda: view.picture.centre == feeder, what="the picture to follow")
        # a click on a box follows that edge
        await pilot.pause()
        sx, sy = int(view.scroll_offset.x), int(view.scroll_offset.y)
        width, height = view.content_region.width, view.content_region.height

        def on_screen(b) -> bool:
            return sx <= b.x + 2 < sx + width and sy <= b.y + 1 < sy + height

        box = next(b for b in view.picture.boxes if b.node != feeder and on_screen(b))
        await pilot.click("#graph", offset=(1 + box.x + 2 - sx, box.y + 1 - sy))
        await wait_for(pilot, lambda: screen.current == box.node, what="following the clicked box")


def test_glyph_graph_is_small_and_layered_on_a_hub():
    from bench.synthetic import make_graph
    from tfscout.inspector import Graph

    g = Graph(make_graph(3000))
    hub = g.find("GradientDescent/learning_rate")
    picture = draw_neighbourhood(g, hub, depth=2, per_layer=4)
    assert len(picture.boxes) <= 1 + 2 * 2 * 4
    assert picture.hidden >= len(g.consumers[hub]) - 4
    layers = {b.layer for b in picture.boxes}
    assert min(layers) == 0 and max(layers) >= 1  # the hub has no inputs: all below it
    centre = next(b for b in picture.boxes if b.node == hub)
    assert all(b.y > centre.y for b in picture.boxes if b.layer > 0)


@run_async
async def test_key_bar_and_help_list_every_key(sample):
    app = make_app(sample)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await wait_for_report(pilot)
        bar = screen.query_one(KeyBar)
        shown = {e.description for e in bar.shown(bar.content_region.width)}
        wanted = {b.description for b in MainScreen.BINDINGS if b.show} | {"Quit", "Keys"}
        assert wanted <= shown, wanted - shown
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, HelpScreen), what="help")
        console = Console(width=200, record=True, file=io.StringIO())
        console.print(pilot.app.screen.query_one("#help-keys", Static).content)
        text = console.export_text()
        for key in ("Tab, Shift+Tab", "↑ ↓, j k", "→ ←, l h", "Enter", "Ctrl+Q", "Ctrl+O", "Esc"):
            assert key in text, key
        assert "follow the edge" in text
