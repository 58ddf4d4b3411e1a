"""Rendering: figures, views, details, reports."""
