"""Task-division tables (任务分工表) turned into the lines a plan would have written.

Many plans put their tasks in a table: 序号 | 重点任务 | 牵头单位 | 配合单位 | 完成时限. Read cell by cell, such a
table loses which body leads which task. When a table's header names a task column and at least one
responsibility column, each row becomes one line in the plan's own idiom —
"1.加强…。（牵头单位：县市场监管局；配合单位：县卫健委）" — which the structure and agency readers already
understand. Any other table is left to the caller (one line per cell).
"""
from __future__ import annotations

import re

# Header words, checked in order; a column's role is the first that its header contains.
_TASK_HEADERS = ("任务", "措施", "工作内容", "内容", "事项")
_ROLE_HEADERS = (("牵头", "牵头单位"), ("配合", "配合单位"), ("协助", "配合单位"), ("责任", "责任单位"),
                 ("主责", "牵头单位"), ("负责", "责任单位"))
_NUMBER = re.compile(r"^\s*(\d{1,3})\s*[.．、]?\s*$")


def task_table_lines(rows: list[list[str]]) -> list[str] | None:
    """The rows of a task-division table as plan lines, or None when the table is not one."""
    if len(rows) < 2:
        return None
    header = [re.sub(r"\s+", "", cell) for cell in rows[0]]
    task_col = next((i for i, h in enumerate(header) if h and any(w in h for w in _TASK_HEADERS)
                     and not any(r in h for r, _ in _ROLE_HEADERS)), None)
    roles: dict[int, str] = {}
    for i, h in enumerate(header):
        label = next((label for word, label in _ROLE_HEADERS if word in h), None)
        if label is not None and i != task_col:
            roles[i] = label
    if task_col is None or not roles:
        return None
    number_col = next((i for i, h in enumerate(header) if h in ("序号", "编号")), None)
    lines = []
    for n, row in enumerate(rows[1:], start=1):
        if len(row) <= task_col or not row[task_col].strip():
            continue
        task = _squash(row[task_col]).rstrip("。；;") + "。"
        number = _NUMBER.match(row[number_col]) if number_col is not None and number_col < len(row) else None
        parts = [f"{roles[i]}：{_squash(row[i])}" for i in sorted(roles)
                 if i < len(row) and row[i].strip() and row[i].strip() not in ("/", "-", "—", "无")]
        who = f"（{'；'.join(parts)}）" if parts else ""
        lines.append(f"{number.group(1) if number else n}.{task}{who}")
    return lines


def _squash(cell: str) -> str:
    """A cell's text on one line: Word cells wrap and break lines that the plan text does not have."""
    return re.sub(r"\s+", "", cell)
