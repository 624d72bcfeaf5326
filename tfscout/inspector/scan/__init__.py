"""``tfscout scan DIR``: find every TF1 model under a folder by content, inspect and pre-check each in a
worker process, keep the rows in a resumable state file, and render them as a table, JSON or CSV."""

from __future__ import annotations

from tfscout.inspector.scan.find import Discovery, FoundModel, find_models
from tfscout.inspector.scan.folder import WORKER_TARGET, scan_folder
from tfscout.inspector.scan.jobs import inspect_one
from tfscout.inspector.scan.render import CSV_FIELDS, scan_csv, scan_json, scan_text, summary_line
from tfscout.inspector.scan.rows import ScanResult, ScanRow
from tfscout.inspector.scan.state import STATE_NAME, ScanState, default_state_path

__all__ = [
    "CSV_FIELDS", "STATE_NAME", "WORKER_TARGET", "Discovery", "FoundModel", "ScanResult", "ScanRow",
    "ScanState", "default_state_path", "find_models", "inspect_one", "scan_csv", "scan_folder", "scan_json",
    "scan_text", "summary_line",
]
