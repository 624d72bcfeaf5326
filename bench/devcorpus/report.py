"""The scorer's tables: per family and overall, the wrong graphs, accuracy against confidence."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from bench.docsections import machine_description, markdown_table

if TYPE_CHECKING:
    from bench.devcorpus.score import GraphResult

CONFIDENCE_BINS = (0.0, 0.5, 0.7, 0.8, 0.9, 0.95, 1.0)
TARGET = 0.99


def tally(results: Iterable[GraphResult]) -> dict[str, int]:
    rows = list(results)
    return {"graphs": len(rows), "outputs": sum(r.outputs_ok for r in rows), "inputs": sum(r.inputs_ok for r in rows),
            "switches": sum(r.switches_ok for r in rows), "all": sum(r.ok for r in rows),
            "errors": sum(r.error is not None for r in rows)}


def confidence_curve(results: list[GraphResult]) -> dict[str, Any] | None:
    """Accuracy of the recommended set (outputs and inputs) per confidence bin, and the lowest threshold
    at which at least 99% of the choices at or above it are right."""
    rated = [r for r in results if r.confidence is not None]
    if not rated:
        return None
    bins = []
    for lo, hi in zip(CONFIDENCE_BINS, CONFIDENCE_BINS[1:], strict=False):
        inside = [r for r in rated if lo <= r.confidence < hi or (hi == 1.0 and r.confidence == 1.0)]  # type: ignore[operator]
        bins.append({"from": lo, "to": hi, "graphs": len(inside), "right": sum(r.choice_ok for r in inside)})
    threshold = None
    for t in sorted({r.confidence for r in rated}):  # type: ignore[type-var]
        above = [r for r in rated if r.confidence >= t]  # type: ignore[operator]
        if sum(r.choice_ok for r in above) >= TARGET * len(above):
            threshold = {"value": t, "graphs_at_or_above": len(above), "right": sum(r.choice_ok for r in above)}
            break
    return {"rated": len(rated), "bins": bins, "threshold": threshold}


def summary(results: list[GraphResult]) -> dict[str, Any]:
    families = sorted({r.family for r in results})
    generators = sorted({r.generator for r in results})
    return {"overall": tally(results),
            "families": {f: tally(r for r in results if r.family == f) for f in families},
            "generators": {g: tally(r for r in results if r.generator == g) for g in generators},
            "confidence": confidence_curve(results)}


def _pct(n: int, total: int) -> str:
    return f"{n}/{total} ({100 * n / total:.0f}%)" if total else "-"


def _rows(results: list[GraphResult]) -> list[list[object]]:
    rows: list[list[object]] = []
    for name, t in [*summary(results)["families"].items(), ("**all**", tally(results))]:
        rows.append([name, t["graphs"], _pct(t["outputs"], t["graphs"]), _pct(t["inputs"], t["graphs"]),
                     _pct(t["switches"], t["graphs"]), _pct(t["all"], t["graphs"])])
    return rows


HEADER = ["family", "graphs", "outputs right", "inputs right", "switches right", "all right"]


def _wrong_lines(results: list[GraphResult], markdown: bool) -> list[str]:
    lines = []
    code = (lambda s: f"`{s}`") if markdown else (lambda s: s)
    for r in results:
        if r.ok:
            continue
        wrong = [k for k, ok in (("outputs", r.outputs_ok), ("inputs", r.inputs_ok), ("switches", r.switches_ok)) if not ok]
        lines.append(f"- {code(r.id)} ({r.format}, {code(r.model)}; wrong: {', '.join(wrong)})")
        if r.error is None:
            lines.append(f"    recommended outputs {', '.join(map(code, r.recommended_outputs)) or '-'}; "
                         f"inputs {', '.join(map(code, r.recommended_inputs)) or '-'}"
                         + (f"; switches {', '.join(code(f'{k}={v}') for k, v in r.switches.items())}" if r.switches else ""))
        lines += [f"    {w}" for w in r.why]
    return lines


def _confidence_lines(curve: dict[str, Any] | None) -> list[str]:
    if curve is None:
        return ["The reports carry no confidence."]
    lines = [f"Confidence of the recommended set ({curve['rated']} rated graphs; right = outputs and inputs right):", ""]
    lines.append(markdown_table(["confidence", "graphs", "right"],
                                [[f"{b['from']:.2f}-{b['to']:.2f}", b["graphs"], _pct(b["right"], b["graphs"])]
                                 for b in curve["bins"]]))
    t = curve["threshold"]
    lines.append("")
    lines.append(f"Lowest threshold with at least {TARGET:.0%} of the choices at or above it right: "
                 + (f"**{t['value']:.3f}** ({t['right']}/{t['graphs_at_or_above']} right at or above it)" if t
                    else "none (no threshold reaches it)"))
    return lines


def render_text(results: list[GraphResult]) -> str:
    header: list[object] = list(HEADER)
    widths = [max(len(str(row[i])) for row in [header, *_rows(results)]) for i in range(len(HEADER))]
    fmt = "  ".join(f"{{:{w}}}" for w in widths)
    lines = [fmt.format(*HEADER)] + [fmt.format(*(str(c).replace("**", "") for c in row)) for row in _rows(results)]
    wrong = _wrong_lines(results, markdown=False)
    lines += ["", f"wrong graphs: {sum(not r.ok for r in results)}", *wrong, "", *_confidence_lines(
        confidence_curve(results))]
    return "\n".join(lines)


def render_markdown(results: list[GraphResult]) -> str:
    t = tally(results)
    gens = summary(results)["generators"]
    lines = [
        "## Development corpus (`tfscout inspect` on generated legacy graphs, no names given)",
        "",
        f"{t['graphs']} graphs built by `bench/devcorpus/` with their truth from construction "
        f"({', '.join(str(g['graphs']) + ' from ' + name for name, g in gens.items())}). A graph's outputs are right "
        "when the recommended set is the one its author fetched; its inputs when every data input the author "
        "fed is recommended (or replaced by a recommended cut) and nothing else is, mode switches apart; its "
        "switches when every one is found with its inference value and no label or data input is called one.",
        "",
        f"- outputs right: **{_pct(t['outputs'], t['graphs'])}**",
        f"- inputs right: **{_pct(t['inputs'], t['graphs'])}**",
        f"- mode switches right: **{_pct(t['switches'], t['graphs'])}**",
        f"- all three: **{_pct(t['all'], t['graphs'])}**",
        "",
        markdown_table(HEADER, _rows(results)),
        "",
        *_confidence_lines(confidence_curve(results)),
        "",
        f"Measured on {machine_description()}; `python -m bench.devcorpus.build` then "
        "`python -m bench.devcorpus.score --write-docs`.",
        "",
        "### Wrong graphs",
        "",
        *(_wrong_lines(results, markdown=True) or ["None."]),
    ]
    return "\n".join(lines)
