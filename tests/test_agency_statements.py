"""How plans say who does a task: role words and labels, leading clauses, agency headings.

Every statement here is written for the test; none is copied from a corpus document.
"""
from __future__ import annotations

import pytest

from policygraph.loaders.agencies import parse_agency_heading, parse_leading_clause, parse_responsibility
from policygraph.loaders.model import Jurisdiction

SHANGHAI = Jurisdiction(name="上海市", level="province")
HUNAN = Jurisdiction(name="湖南省", level="province")
XIANGTAN = Jurisdiction(name="湘潭市", level="city", parents=["湖南省"])
XIPING = Jurisdiction(name="西平县", level="county", parents=["驻马店市", "河南省"])
CHINA = Jurisdiction(name="中国", level="national")


def roles(text: str, plan: Jurisdiction = HUNAN) -> list[tuple[str, str]]:
    found = parse_responsibility(text, 0, plan)
    assert found is not None, text
    return [(a.as_written, a.role) for a in found]


@pytest.mark.parametrize("word, role", [
    ("牵头", "lead"), ("承办", "lead"), ("主责", "lead"),
    ("配合", "support"), ("协作", "support"), ("参与", "support"), ("协同", "support"), ("协办", "support"),
    ("负责", "responsible"), ("按职责分工负责", "responsible"), ("依职责分工负责", "responsible"),
])
def test_each_role_word_gives_its_role(word: str, role: str) -> None:
    assert roles(f"省教育厅、省财政厅{word}") == [("省教育厅", role), ("省财政厅", role)]


def test_lead_and_support_in_one_statement() -> None:
    assert roles("省商务厅承办，省公安厅、省交通运输厅协办") == [
        ("省商务厅", "lead"), ("省公安厅", "support"), ("省交通运输厅", "support")]


@pytest.mark.parametrize("label, role", [
    ("牵头部门", "lead"), ("牵头单位", "lead"), ("承办单位", "lead"),
    ("责任单位", "responsible"), ("责任部门", "responsible"), ("配合单位", "support"), ("协作单位", "support"),
])
def test_a_label_gives_its_role_to_every_body_listed(label: str, role: str) -> None:
    assert roles(f"{label}：市科委、市经济信息化委、市交通委", SHANGHAI) == [
        ("市科委", role), ("市经济信息化委", role), ("市交通委", role)]


def test_two_labels_in_one_bracket() -> None:
    assert roles("牵头单位：省应急厅；配合单位：省消防救援总队、省气象局") == [
        ("省应急厅", "lead"), ("省消防救援总队", "support"), ("省气象局", "support")]


def test_a_bare_list_and_a_bare_collective_are_responsible() -> None:
    assert roles("市生态环境局、市水务局", SHANGHAI) == [("市生态环境局", "responsible"), ("市水务局", "responsible")]
    assert roles("各有关单位", SHANGHAI) == [("各有关单位", "responsible")]


@pytest.mark.parametrize("bracketed", [
    "（牵头部门：市科委、市教委）", "(牵头部门：市科委、市教委)", "〔牵头部门：市科委、市教委〕",
    "[牵头部门：市科委、市教委]", "【牵头部门：市科委、市教委】",
])
def test_the_inner_text_of_any_bracket_reads_the_same(bracketed: str) -> None:
    inner = bracketed[1:-1]
    found = parse_responsibility(inner, 1, SHANGHAI)
    assert found is not None
    assert [(a.name, a.role, a.span) for a in found] == [
        ("上海市科学技术委员会", "lead", (6, 9)), ("上海市教育委员会", "lead", (10, 13))]
    assert [bracketed[a.span[0]:a.span[1]] for a in found] == ["市科委", "市教委"]


def test_a_label_split_by_a_page_break_is_still_a_label() -> None:
    assert roles("牵头部\n\n门：市交通委、市水务局", SHANGHAI) == [("市交通委", "lead"), ("市水务局", "lead")]


def test_a_list_ended_by_deng_bumen_names_only_the_bodies() -> None:
    assert roles("省教育厅、省公安厅等部门依职责分工负责") == [("省教育厅", "responsible"), ("省公安厅", "responsible")]


def test_misspelt_bureaus_are_still_read() -> None:
    found = parse_responsibility("县场监管局、县农业农局负责", 0, XIPING)
    assert found is not None
    assert [a.functions for a in found] == [["市场监管"], ["农业农村"]]


# ---- leading clauses ---------------------------------------------------------------------------

def clause(text: str, plan: Jurisdiction = HUNAN, base: int = 0) -> tuple[list[tuple[str, str]], int] | None:
    got = parse_leading_clause(text, base, plan)
    return None if got is None else ([(a.as_written, a.role) for a in got[0]], got[1])


def test_a_you_fuze_clause_opens_a_unit() -> None:
    text = "由省商务厅负责，省公安厅、省卫生健康委配合，加快建设放心市场。"
    assert clause(text) == ([("省商务厅", "responsible"), ("省公安厅", "support"), ("省卫生健康委", "support")],
                            text.index("配合") + 2)


def test_a_chengban_clause_with_xieban_ends_at_its_full_stop() -> None:
    text = "由省商务厅承办，省农业农村厅、财政厅协办。工作目标：到年底全部达标。"
    got = clause(text)
    assert got is not None
    assert got[0] == [("省商务厅", "lead"), ("省农业农村厅", "support"), ("财政厅", "support")]
    assert text[got[1]] == "。"


def test_a_clause_may_go_on_with_its_verb_before_the_next_bodies() -> None:
    text = "省级层面，省卫生健康委牵头推动完善托育服务，省教育厅、省民政厅等部门依职责分工落实监管责任。"
    got = clause(text)
    assert got is not None
    assert got[0] == [("省卫生健康委", "lead"), ("省教育厅", "responsible"), ("省民政厅", "responsible")]


def test_bodies_without_you_and_local_offices_of_national_systems() -> None:
    text = "长沙海关、湖南金融监管局负责，省商务厅配合，做好跨境结算服务"
    got = clause(text)
    assert got is not None and got[0] == [("长沙海关", "responsible"), ("湖南金融监管局", "responsible"),
                                          ("省商务厅", "support")]


def test_spans_and_offset_are_shifted_by_base() -> None:
    text = "由市科委牵头，加强统筹。"
    got = parse_leading_clause(text, 100, SHANGHAI)
    assert got is not None
    (agency,), end = got
    assert agency.span == (101, 104) and end == 106 and agency.name == "上海市科学技术委员会"


@pytest.mark.parametrize("text", [
    "教育部门负责校外托管机构的登记审查，公安部门负责治安管理。",   # generic departments as subjects
    "各级政府负责组织实施。",
    "省财政厅支持各市建设示范基地，省商务厅做好统筹。",             # 支持 is a verb, not a role here
    "省商务厅负责人要定期调度。",                                   # 负责人 is a person
    "加强统筹协调，由省商务厅牵头建立联席会议制度。",               # the clause does not open the text
    "省农业农村厅做好无公害基地建设，加快产品认证。",               # an agency-led sentence without a role word
    "省公安厅配合，开展联合执法。",                                 # a clause opens with who leads, not a helper
    "推进数字化转型。",
])
def test_ordinary_sentences_are_not_leading_clauses(text: str) -> None:
    assert parse_leading_clause(text, 0, HUNAN) is None


# ---- agency headings ---------------------------------------------------------------------------

@pytest.mark.parametrize("line, plan, names", [
    ("上海市区级人民政府", SHANGHAI, ["上海市区级人民政府"]),
    ("区市场监管局", Jurisdiction(name="徐汇区", level="county", parents=["上海市"]), ["徐汇区市场监督管理局"]),
    ("一、市农业农村委", SHANGHAI, ["上海市农业农村委员会"]),
    ("（二）市卫生健康委、市教委：", SHANGHAI, ["上海市卫生健康委员会", "上海市教育委员会"]),
    ("**市公安局**", XIANGTAN, ["湘潭市公安局"]),
    ("3. 县市场监管局", XIPING, ["西平县市场监督管理局"]),
])
def test_a_line_that_is_only_bodies_names_is_an_agency_heading(line: str, plan: Jurisdiction,
                                                              names: list[str]) -> None:
    found = parse_agency_heading(line, 10, plan)
    assert found is not None
    assert [a.name for a in found] == names
    assert {a.role for a in found} == {"responsible"}
    assert all(line[a.span[0] - 10:a.span[1] - 10] == a.as_written for a in found)


@pytest.mark.parametrize("line", [
    "一、加强组织领导", "（三）市场监管", "二、主要任务", "市科委牵头", "上海市2024年度食品安全工作责任清单",
    "市科委要加强统筹，市教委配合。", "", "（一）",
])
def test_other_lines_are_not_agency_headings(line: str) -> None:
    assert parse_agency_heading(line, 0, SHANGHAI) is None
