"""Convert from the UI: the real converter (TensorFlow, tf2onnx, onnxruntime) in a worker."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Input, Static

from tests.functional.tui_helpers import run_async, wait_for, wait_for_report
from tfscout.samples import checkpoint_dir
from tfscout.tui.app import make_app
from tfscout.tui.screens.convert import ConvertScreen
from tfscout.tui.screens.prompt import PromptScreen
from tfscout.tui.screens.result import ResultScreen

pytestmark = pytest.mark.slow
SIZE = (160, 48)


async def start_convert(pilot, out) -> ConvertScreen:
    await pilot.press("x")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, PromptScreen), what="the output prompt")
    pilot.app.screen.query_one(Input).value = str(out)
    await pilot.press("enter")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, ConvertScreen), what="the convert screen")
    return pilot.app.screen


async def finish_convert(pilot, converting: ConvertScreen) -> ResultScreen:
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, ResultScreen)
                   or not converting.running, timeout=300, what="the conversion")
    result = pilot.app.screen
    assert isinstance(result, ResultScreen), converting.query_one("#convert-status", Static).content
    return result


@run_async
async def test_convert_to_a_verified_model(tmp_path):
    out = tmp_path / "cnn.onnx"
    app = make_app(str(checkpoint_dir()))
    async with app.run_test(size=SIZE) as pilot:
        main = await wait_for_report(pilot)
        outputs = [c.name for c in main.report.recommended_outputs]
        converting = await start_convert(pilot, out)
        result = await finish_convert(pilot, converting)
        # every stage the converter reported was drawn as it went
        assert converting.state and all(v in ("done", "running") for v in converting.state.values())
        report = result.report
        assert report.verified and out.is_file() and report.onnx == str(out)
        table = result.query_one("#result-table", DataTable)
        assert table.row_count == len(outputs)
        assert [str(table.get_row_at(k)[0]) for k in range(table.row_count)] == outputs
        assert all(str(table.get_row_at(k)[1]) == "yes" for k in range(table.row_count))
        assert result.command.startswith("tfscout convert ") and f"-o {out}" in result.command
        assert f"--outputs {','.join(outputs)}" in result.command
        await pilot.press("c")
        assert app.clipboard == result.command
        await pilot.press("escape")
        assert pilot.app.screen is main


@run_async
async def test_cancel_a_conversion(tmp_path):
    out = tmp_path / "cancelled.onnx"
    app = make_app(str(checkpoint_dir()))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_report(pilot)
        converting = await start_convert(pilot, out)
        await wait_for(pilot, lambda: "freeze" in converting.state, timeout=120, what="the freeze stage")
        await pilot.press("escape")
        await wait_for(pilot, lambda: not converting.running, timeout=120, what="the cancellation")
        status = str(converting.query_one("#convert-status", Static).content)
        assert "cancelled" in status
        assert not out.exists()
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(pilot.app.screen, ConvertScreen), what="leaving")


@run_async
async def test_mode_values_set_in_the_ui_reach_the_converter(tmp_path):
    out = tmp_path / "switched.onnx"
    app = make_app(str(checkpoint_dir()))
    async with app.run_test(size=SIZE) as pilot:
        main = await wait_for_report(pilot)
        switch = main.report.mode_switches[0].name
        assert main.report.mode_switches[0].value != 0.5
        main.set_choice(main.choice.with_mode_value(switch, 0.5))
        await wait_for(pilot, lambda: main.report is not None
                       and {m.name: m.value for m in main.report.mode_switches}.get(switch) == 0.5,
                       what="the report with the new value")
        converting = await start_convert(pilot, out)
        assert converting.switches == {switch: 0.5}
        assert f"--switch {switch}=0.5" in converting.command
        result = await finish_convert(pilot, converting)
        assert result.report.mode_switches == {switch: 0.5}


@run_async
async def test_12_cancelling_in_tf2onnx_is_one_cancel_with_one_message(tmp_path):
    """Issue 14, bug 12: a cancel during tf2onnx showed the result screen's NOT VERIFIED."""
    out = tmp_path / "late.onnx"
    app = make_app(str(checkpoint_dir()))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_report(pilot)
        converting = await start_convert(pilot, out)
        await wait_for(pilot, lambda: converting.state.get("tf2onnx") == "running", timeout=180, what="tf2onnx")
        await pilot.press("escape")
        await wait_for(pilot, lambda: not converting.running, timeout=120, what="the cancellation")
        assert pilot.app.screen is converting  # no result screen
        status = str(converting.query_one("#convert-status", Static).content)
        assert status.startswith("Conversion cancelled") and "NOT VERIFIED" not in status
        assert not out.exists()


@run_async
async def test_q_during_a_conversion_asks_first(tmp_path):
    from tfscout.tui.screens.prompt import ConfirmScreen

    app = make_app(str(checkpoint_dir()))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_report(pilot)
        converting = await start_convert(pilot, tmp_path / "q.onnx")
        await pilot.press("q")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, ConfirmScreen), what="the question")
        assert "A conversion is running" in str(pilot.app.screen.query_one("#confirm-question", Static).content)
        await pilot.press("n")
        assert pilot.app.screen is converting and app.is_running
        await pilot.press("q")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, ConfirmScreen), what="the question again")
        await pilot.press("y")
        await wait_for(pilot, lambda: not app.is_running, what="the app to quit")
