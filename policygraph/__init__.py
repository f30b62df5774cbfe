"""PolicyGraph: a knowledge graph of policy obligations and the agencies that carry them.

Data flows one way: file → decoded text → plan tree (``loaders``) → graph fragment (``graph``)
→ store → ``queries`` → ``api`` / ``viz`` / exports.
"""
from __future__ import annotations

__version__ = "0.1.0"
