"""Layouts the sample corpus does not show but real plans use: the parser is built for documents like these."""
from __future__ import annotations

from policygraph.loaders.decoding import Decoded
from policygraph.loaders.model import PlanTree
from policygraph.loaders.parse import parse_decoded


def parse(text: str) -> PlanTree:
    return parse_decoded(Decoded(text=text, source_format="utf-8", path="layout.txt"))


def tasks(tree: PlanTree) -> list[tuple[str, list[tuple[str, str]]]]:
    return [(m.title, [(a.as_written, a.role) for a in m.agencies]) for m in tree.measures if m.kind == "task"]


def test_tasks_closed_by_role_label_lines_or_labelled_parentheses() -> None:
    tree = parse("某某县2025年食品安全工作要点\n\n一、强化源头治理\n"
                 "1.加强农产品质量安全监管。开展农药残留专项整治，农产品抽检合格率达到98%以上。\n"
                 "责任单位：县农业农村局、县市场监管局\n"
                 "2.推进追溯体系建设。完善食品安全追溯平台。（牵头单位：县市场监管局；配合单位：县商务局）\n")
    assert tasks(tree) == [
        ("加强农产品质量安全监管", [("县农业农村局", "responsible"), ("县市场监管局", "responsible")]),
        ("推进追溯体系建设", [("县市场监管局", "lead"), ("县商务局", "support")]),
    ]
    assert tree.measures[-1].text.endswith("配合单位：县商务局）")


def test_nested_numbering_of_any_style_builds_a_deeper_tree() -> None:
    tree = parse("驻马店市2021年食品安全工作要点\n一、总体要求\n（一）加强监管\n"
                 "1.开展抽检。全年抽检3900批次。（市市场监管局负责）\n2.开展培训。（市卫生健康委负责）\n"
                 "（二）强化保障\n①加大投入。（市财政局负责）\n②加强队伍建设。（市人社局负责）\n二、组织实施\n"
                 "（三）加强领导。（市食安办牵头）\n")
    by_id = {m.id: m for m in tree.measures}
    depth = {}
    for m in tree.measures:
        depth[m.id] = 0 if m.parent_id is None else depth[m.parent_id] + 1
    assert [(m.number, depth[m.id]) for m in tree.measures if m.kind != "task"] == [
        ("一", 0), ("（一）", 1), ("1", 2), ("2", 2), ("（二）", 1), ("①", 2), ("②", 2), ("二", 0), ("（三）", 1)]
    first = next(m for m in tree.measures if m.kind == "task")
    assert by_id[first.parent_id].number == "1"  # type: ignore[index]
    assert first.indicators[0].value == 3900 and first.agencies[0].name.startswith("驻马店市")


def test_a_numbered_quantity_is_not_an_item() -> None:
    tree = parse("某某县2025年食品安全工作要点\n一、强化监管\n1.开展抽检。（县市场监管局负责）\n"
                 "2、3月份开展春季专项检查。\n2.开展培训。（县卫生健康委负责）\n")
    assert [m.number for m in tree.measures if m.kind == "item"] == ["1", "2"]


def test_a_parenthesis_inside_a_sentence_stays_text() -> None:
    tree = parse("某某县2025年食品安全工作要点\n一、校园食品安全\n"
                 "1.落实校长（园长）陪餐制度，各乡镇（办事处）开展检查。（县教育局牵头，县市场监管局配合）\n")
    assert tasks(tree) == [("落实校长（园长）陪餐制度，各乡镇（办事处）开展检查",
                            [("县教育局", "lead"), ("县市场监管局", "support")])]
