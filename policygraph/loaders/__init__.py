"""Loaders: file → decoded text → normalised text with an offset map → plan tree.

One module per concern: ``decoding`` (bytes and formats), ``normalising`` (layout debris, offset map),
``structure`` (sections, items, task units), ``agencies``, ``indicators``, ``citations``,
``jurisdictions``, ``plan`` (metadata), and ``parse`` which ties them together.
"""
from __future__ import annotations
