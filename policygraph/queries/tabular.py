"""Lists as spreadsheet rows: nested answers flattened to one level of columns, written as CSV.

CSV is UTF-8 with a byte-order mark so Excel opens Chinese text correctly. Nested objects become dotted
columns (``measure.plan.jurisdiction``); lists of scalars are joined with ``；``; lists of objects with ``|``
between objects (``measure.agencies.name``: ``XX县农业农村局|XX县市场监督管理局``).
"""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel

BOM = "\ufeff"
#: Nested or positional fields left out of spreadsheets (they stay in the JSON).
SKIP = ("evidence", "span", "matches")


def flatten(value: Any, prefix: str = "") -> dict[str, str]:
    """One row of strings from a model or dict.

    >>> flatten({"a": {"b": 1}, "c": ["x", "y"]})
    {'a.b': '1', 'c': 'x；y'}
    """
    if isinstance(value, BaseModel):
        value = value.model_dump(mode="json")
    out: dict[str, str] = {}
    if isinstance(value, dict):
        for k, v in value.items():
            if k in SKIP:
                continue
            out.update(flatten(v, f"{prefix}{k}."))
        return out
    key = prefix.rstrip(".")
    if isinstance(value, list):
        if all(isinstance(v, dict) for v in value) and value:
            cols: dict[str, list[str]] = {}
            for v in value:
                for k, s in flatten(v).items():
                    cols.setdefault(k, []).append(s)
            return {f"{key}.{k}": "|".join(v) for k, v in cols.items()}
        return {key: "；".join(_scalar(v) for v in value)}
    return {key: _scalar(value)}


def to_csv(rows: Iterable[dict[str, str]], bom: bool = True) -> str:
    """CSV text with a header from the union of the rows' columns (in first-seen order)."""
    rows = list(rows)
    header: dict[str, None] = {}
    for r in rows:
        header.update(dict.fromkeys(r))
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(header), restval="", lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return (BOM if bom else "") + buf.getvalue()


def _scalar(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, (dict, list)):
        return json.dumps(v, ensure_ascii=False)
    return str(v)
