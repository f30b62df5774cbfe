"""Imported once by the parse worker's fork server: the parser and its vocabularies, loaded and exercised on a
small plan, so that every forked child starts warm (the first parse in a fresh process loads every data file)."""
from __future__ import annotations

from policygraph.loaders.parse import parse_upload

_SAMPLE = ("XX县2024年食品安全重点工作安排\n一、总体要求\n（一）加强食用农产品质量安全监管，"
           "抽检合格率达到98%以上。（县农业农村局牵头，县市场监管局配合）\n"
           "二、重点任务\n1. 依据《中华人民共和国食品安全法》开展专项整治。（县市场监管局负责）\n")

parse_upload(_SAMPLE.encode("utf-8"), "warmup.txt")
