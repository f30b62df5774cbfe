"""Infer which higher-level measures each lower-level task unit implements (DERIVES_FROM links).

``units`` cuts plan trees into comparable units, ``features`` turns them into sparse matrices and pair
features, ``scorer`` retrieves candidates and scores them with the fitted model of data/align_model.toml.
"""
from __future__ import annotations

from policygraph.align.scorer import Aligner, Proposal
from policygraph.align.units import AlignUnit, higher_units, lower_units

__all__ = ["AlignUnit", "Aligner", "Proposal", "higher_units", "lower_units"]
