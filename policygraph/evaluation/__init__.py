"""Measure the loaders and the aligner against hand-checked gold files (``policygraph eval …``)."""
from __future__ import annotations
