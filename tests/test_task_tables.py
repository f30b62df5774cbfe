"""Plans that put their tasks in a 任务分工表 read like plans that write them out: who leads which task survives."""
from __future__ import annotations

from pathlib import Path

import docx

from policygraph.loaders.parse import parse_file
from policygraph.loaders.tables import task_table_lines

ROWS = [["序号", "重点任务", "牵头单位", "配合单位", "完成时限"],
        ["1", "加强农产品质量安全监管，农产品抽检合格率达到98%以上", "县农业农村局", "县市场监管局、县卫健委", "12月底"],
        ["2", "推进食品安全追溯\n体系建设", "县市场监管局", "/", "长期"]]


def test_a_task_division_table_becomes_numbered_tasks_with_labelled_roles() -> None:
    assert task_table_lines(ROWS) == [
        "1.加强农产品质量安全监管，农产品抽检合格率达到98%以上。（牵头单位：县农业农村局；配合单位：县市场监管局、县卫健委）",
        "2.推进食品安全追溯体系建设。（牵头单位：县市场监管局）",
    ]


def test_a_table_without_task_and_responsibility_columns_is_not_rewritten() -> None:
    assert task_table_lines([["指标", "2020年", "2021年"], ["抽检合格率", "97%", "98%"]]) is None
    assert task_table_lines([["重点任务"], ["加强监管"]]) is None


def _docx(path: Path) -> Path:
    d = docx.Document()
    d.add_paragraph("西平县2021年食品安全工作要点")
    d.add_paragraph("一、强化源头治理")
    table = d.add_table(rows=len(ROWS), cols=len(ROWS[0]))
    for r, values in enumerate(ROWS):
        for c, v in enumerate(values):
            table.cell(r, c).text = v
    d.save(str(path))
    return path


def _html(path: Path) -> Path:
    cells = "".join("<tr>" + "".join(f"<td>{v}</td>" for v in row) + "</tr>" for row in ROWS)
    path.write_text(f"<html><body><div class='TRS_Editor'><p>西平县2021年食品安全工作要点</p><p>一、强化源头治理</p>"
                    f"<table>{cells}</table></div></body></html>", encoding="utf-8")
    return path


def test_the_same_table_in_docx_and_html_gives_tasks_with_lead_and_support_bodies(tmp_path: Path) -> None:
    trees = [parse_file(_docx(tmp_path / "plan.docx")), parse_file(_html(tmp_path / "plan.html"))]
    for tree in trees:
        tasks = [m for m in tree.measures if m.kind == "task"]
        assert [[(a.name, a.role) for a in t.agencies] for t in tasks] == [
            [("西平县农业农村局", "lead"), ("西平县市场监督管理局", "support"), ("西平县卫生健康委员会", "support")],
            [("西平县市场监督管理局", "lead")],
        ]
        assert tasks[0].indicators[0].value == 98
    assert [m.text for m in trees[0].measures] == [m.text for m in trees[1].measures]
