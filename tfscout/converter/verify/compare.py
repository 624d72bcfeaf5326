"""Compare onnxruntime's outputs with TensorFlow's: per-output max abs and relative error.

Shapes must be equal, exactly: a transposed output or one with a dimension squeezed away is a mismatch
even where the values line up. A value matches when ``|onnx - tf| <= atol + rtol * |tf|`` (numpy's
allclose rule); NaN matches NaN and an infinity matches the same infinity. Integers, booleans and
strings must be equal.
"""

from __future__ import annotations

from typing import Any

from tfscout.converter.report import OutputError


def compare_one(name: str, tf_value: Any, onnx_value: Any, rtol: float, atol: float) -> OutputError:
    import numpy as np

    tf_arr = np.asarray(tf_value)
    onnx_arr = np.asarray(onnx_value)
    err = OutputError(name=name, ok=False, total=int(tf_arr.size), tf_shape=list(tf_arr.shape),
                      onnx_shape=list(onnx_arr.shape), tf_dtype=str(tf_arr.dtype), onnx_dtype=str(onnx_arr.dtype))
    if tf_arr.shape != onnx_arr.shape:
        err.note = f"shape {list(onnx_arr.shape)} in onnxruntime, {list(tf_arr.shape)} in TensorFlow"
        err.mismatched = err.total
        return err
    if tf_arr.size == 0:
        err.ok = True
        err.max_abs_diff = 0.0
        err.max_rel_diff = 0.0
        return err
    if tf_arr.dtype.kind in ("U", "S", "O") or onnx_arr.dtype.kind in ("U", "S", "O"):
        a = np.vectorize(_as_text)(tf_arr)
        b = np.vectorize(_as_text)(onnx_arr)
        err.mismatched = int(np.count_nonzero(a != b))
        err.ok = err.mismatched == 0
        if not err.ok:
            err.note = (err.note + "; " if err.note else "") + "strings differ"
        return err
    exact = tf_arr.dtype.kind in ("b", "i", "u") and onnx_arr.dtype.kind in ("b", "i", "u")
    a = tf_arr.astype(np.float64)
    b = onnx_arr.astype(np.float64)
    both_nan = np.isnan(a) & np.isnan(b)
    same_inf = np.isinf(a) & np.isinf(b) & (np.sign(a) == np.sign(b))
    special = both_nan | same_inf
    with np.errstate(invalid="ignore", over="ignore"):
        diff = np.where(special, 0.0, np.abs(a - b))
    diff = np.where(np.isnan(diff), np.inf, diff)
    err.max_abs_diff = float(diff.max())
    scale = np.abs(a)
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = np.where(scale > 0, diff / np.where(scale > 0, scale, 1.0), np.where(diff > 0, np.inf, 0.0))
    err.max_rel_diff = float(rel.max())
    if exact:
        bad = diff != 0
    else:
        bad = diff > atol + rtol * np.where(np.isfinite(scale), scale, 0.0)
    err.mismatched = int(np.count_nonzero(bad))
    err.ok = err.mismatched == 0
    return err


def _as_text(value: Any) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def compare_outputs(expected: dict[str, Any], got: dict[str, Any], rtol: float, atol: float) -> list[OutputError]:
    out = []
    for name, tf_value in expected.items():
        if name not in got:
            out.append(OutputError(name=name, ok=False, note="missing from the ONNX model's outputs"))
            continue
        out.append(compare_one(name, tf_value, got[name], rtol, atol))
    return out
