"""Lists as spreadsheet rows: nested answers flattened to one level of columns, written as CSV.

CSV is UTF-8 with a byte-order mark so Excel opens Chinese text correctly. Nested objects become dotted
columns (``measure.plan.jurisdiction``); lists of scalars are joined with ``；``; lists of objects with ``|``
between objects (``measure.agencies.name``: ``XX县农业农村局|XX县市场监督管理局``).

No cell can carry a formula: one that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is
written with a leading single quote (OWASP's advice for CSV injection), so Excel and LibreOffice show it as
text instead of running it. A plain negative number (``-5``, ``-1,234.5``) is left alone: a spreadsheet reads
it as a number, and a number cannot call a function or reference a cell.
"""
from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel

BOM = "\ufeff"
#: Nested or positional fields left out of spreadsheets (they stay in the JSON).
SKIP = ("evidence", "span", "matches")
#: First characters that make a spreadsheet treat a cell as a formula (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NEGATIVE_NUMBER = re.compile(r"-\d[\d,]*(?:\.\d+)?")


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
    writer.writerows({k: neutralise(v) for k, v in r.items()} for r in rows)
    return (BOM if bom else "") + buf.getvalue()


def neutralise(cell: str) -> str:
    """The cell as a spreadsheet will show it, never run it: a leading ``'`` before a formula character.

    >>> neutralise("=1+1"), neutralise("-5"), neutralise("-1+cmd")
    ("'=1+1", '-5', "'-1+cmd")
    """
    if cell.startswith(FORMULA_STARTS) and not _NEGATIVE_NUMBER.fullmatch(cell):
        return "'" + cell
    return cell


def _scalar(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, (dict, list)):
        return json.dumps(v, ensure_ascii=False)
    return str(v)
