"""Figures and the palette shared by the CLI, the report and the app."""
