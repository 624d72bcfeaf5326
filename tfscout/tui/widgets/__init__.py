"""Widgets of the terminal UI, grouped by the area of the screen they fill."""
