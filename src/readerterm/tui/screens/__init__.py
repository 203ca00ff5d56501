"""Screens over the reader."""
