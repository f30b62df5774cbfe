"""Layouts of real plans the samples lack: flattened scrapes, slips in the numbering, enumerations, every bracket kind.

Each text is written here, not copied from a document: the rules must hold for plans we have never seen.
"""
from __future__ import annotations

import pytest

from policygraph.errors import InputError
from policygraph.loaders.decoding import Decoded
from policygraph.loaders.model import Measure, PlanTree
from policygraph.loaders.parse import parse_decoded


def parse(text: str) -> PlanTree:
    return parse_decoded(Decoded(text=text, source_format="utf-8", path="layout.txt"))


def items(tree: PlanTree) -> list[str | None]:
    return [m.number for m in tree.measures if m.kind != "task"]


def tasks(tree: PlanTree) -> list[Measure]:
    return [m for m in tree.measures if m.kind == "task"]


def who(m: Measure) -> list[tuple[str, str]]:
    return [(a.as_written, a.role) for a in m.agencies]


ONE_LINE = (
    "某某市2023年营商环境重点任务分工方案\n"
    "为落实全市营商环境大会部署，现制定如下分工方案。一、深化审批制度改革，提升政务服务效能"
    "（一）精简审批事项，优化审批流程。（市政务服务局牵头，市司法局配合）具体措施：1．梳理公布市级行政许可事项清单。"
    "（市政务服务局负责）2．2023年6月底前实现企业开办全程网上办理。（市市场监管局负责）"
    "（二）推行告知承诺制。（市司法局负责）二、加强事中事后监管（三）完善信用监管。（市发展改革委牵头）"
    "具体措施：1．建立企业信用分级分类制度。（市发展改革委负责）2．开展双随机抽查。（市市场监管局负责）"
)


def test_a_plan_scraped_onto_one_line_keeps_its_sections_items_and_units() -> None:
    tree = parse(ONE_LINE)
    assert items(tree) == ["一", "（一）", "1", "2", "（二）", "二", "（三）", "1", "2"]
    kinds = {m.number: m.kind for m in tree.measures if m.number in ("一", "二")}
    assert kinds == {"一": "section", "二": "section"}
    assert [m.text[:6] for m in tasks(tree)] == ["精简审批事项", "梳理公布市级", "2023年6", "推行告知承诺",
                                                 "完善信用监管", "建立企业信用", "开展双随机抽"]
    assert who(tasks(tree)[0]) == [("市政务服务局", "lead"), ("市司法局", "support")]
    assert who(tasks(tree)[2]) == [("市市场监管局", "responsible")]


def test_an_inline_heading_title_stops_where_its_first_child_starts() -> None:
    tree = parse(ONE_LINE)
    section = next(m for m in tree.measures if m.number == "一")
    assert section.title == "深化审批制度改革，提升政务服务效能"


def test_a_heading_with_its_own_statement_is_a_unit_and_the_lead_in_label_is_not() -> None:
    tree = parse(ONE_LINE)
    first = tasks(tree)[0]
    parent = next(m for m in tree.measures if m.id == first.parent_id)
    assert parent.number == "（一）" and "具体措施" not in first.text
    assert not any(m.text.startswith("具体措施") and len(m.text) < 8 for m in tasks(tree))


def test_a_section_heading_and_its_body_on_one_line() -> None:
    tree = parse("某某县2024年科技创新工作要点\n一、支持企业参与科技创新。健全企业研发投入激励机制，落实研发费用加计扣除政策。"
                 "（责任单位：县科技局、县税务局）\n二、加强人才引育。实施青年科技人才培养计划。（县人社局负责）\n")
    assert items(tree) == ["一", "二"]
    units = tasks(tree)
    assert [who(u) for u in units] == [[("县科技局", "responsible"), ("县税务局", "responsible")],
                                       [("县人社局", "responsible")]]
    section = next(m for m in tree.measures if m.number == "一")
    assert section.title == "支持企业参与科技创新"


def test_a_missing_or_repeated_number_does_not_swallow_the_items_after_it() -> None:
    tree = parse("某某县2024年食品安全工作要点\n一、强化监管\n1.开展抽检。（县市场监管局负责）\n"
                 "2.开展培训。（县卫生健康委负责）\n4.开展宣传。（县委宣传部负责）\n4.开展演练。（县应急局负责）\n"
                 "5.开展评估。（县食安办负责）\n")
    assert items(tree) == ["一", "1", "2", "4", "4", "5"]
    assert len(tasks(tree)) == 5


def test_a_number_followed_by_a_date_is_still_an_item() -> None:
    tree = parse("某某县2021年营商环境工作要点\n一、优化服务\n1.推行帮办代办服务。（县政务服务中心负责）\n"
                 "2．2021年6月底前建成企业服务平台。（县工信局负责）\n3.2022年底前实现全程网办。（县政务服务中心负责）\n")
    assert items(tree) == ["一", "1", "2", "3"]


def test_an_attachment_list_ends_the_body_and_is_no_item() -> None:
    tree = parse("某某县2024年食品安全工作要点\n一、强化监管\n1.开展抽检。（县市场监管局负责）\n"
                 "2.开展培训。（县卫生健康委负责）\n附件：1.重点任务清单\n2.联系人名单\n")
    assert items(tree) == ["一", "1", "2"]
    flat = parse("某某县2024年食品安全工作要点\n一、强化监管。1.开展抽检工作，覆盖全县所有乡镇。（县市场监管局负责）"
                 "2.开展培训工作，覆盖全县所有学校。（县卫生健康委负责）附件：1.重点任务清单 2.联系人名单\n")
    assert items(flat) == ["一", "1", "2"]
    assert "附件" not in tasks(flat)[-1].text


def test_articles_numbered_di_yi_tiao_are_items() -> None:
    tree = parse("某某市食品安全监督管理办法\n第一条 为加强食品安全监督管理，制定本办法。\n"
                 "第二条 市市场监管部门负责全市食品安全监督管理工作。\n第三条 本办法自发布之日起施行。\n")
    assert items(tree) == ["第一条", "第二条", "第三条"]
    assert all(m.kind == "item" for m in tree.measures if m.number)


def test_yi_shi_er_shi_enumerations_are_items_on_their_own_lines_and_inline() -> None:
    own = parse("某某县2024年农业农村工作要点\n一、稳定粮食生产\n一是落实耕地保护责任。（县自然资源局负责）\n"
                "二是推进高标准农田建设。（县农业农村局负责）\n")
    assert items(own) == ["一", "一是", "二是"]
    inline = parse("某某县2024年农业农村工作要点\n一、稳定粮食生产\n重点抓好三项工作：一是落实耕地保护责任，严守耕地红线；"
                   "二是推进高标准农田建设，新建农田两万亩；三是加强种业振兴，培育优良品种。（县农业农村局负责）\n")
    assert items(inline) == ["一", "一是", "二是", "三是"]


@pytest.mark.parametrize("opening, closing", [("（", "）"), ("(", ")"), ("〔", "〕"), ("[", "]"), ("【", "】")])
def test_a_responsibility_statement_in_any_bracket_closes_a_unit(opening: str, closing: str) -> None:
    tree = parse("某某县2024年食品安全工作要点\n一、强化监管\n"
                 f"1.开展抽检。全年抽检3000批次。{opening}县市场监管局牵头，县农业农村局配合{closing}\n"
                 f"2.开展培训。{opening}责任单位：县卫生健康委{closing}\n")
    assert [who(u) for u in tasks(tree)] == [[("县市场监管局", "lead"), ("县农业农村局", "support")],
                                             [("县卫生健康委", "responsible")]]


def test_a_goals_paragraph_with_targets_before_the_items_is_a_unit() -> None:
    tree = parse("某某县2024年食品安全工作要点\n一、工作目标\n到2024年底，食品抽检合格率达到98%以上。\n"
                 "（一）强化监管\n1.开展抽检。（县市场监管局负责）\n二、重点任务\n加快推进以下工作：\n"
                 "（二）开展培训。（县卫生健康委负责）\n")
    units = tasks(tree)
    assert [u.indicators[0].value if u.indicators else None for u in units] == [98, None, None]
    assert not any(u.text.startswith("加快推进以下工作") for u in units)


def test_a_plan_with_paragraphs_but_no_numbering_loads_as_sectionless_units() -> None:
    tree = parse("某某县2024年校园食品安全工作方案\n"
                 "全面落实学校食品安全校长负责制，严格执行集中用餐陪餐制度，确保师生饮食安全。\n"
                 "加强学校食堂日常监督检查，每学期对全县学校食堂开展一次全覆盖检查，及时消除安全隐患。\n"
                 "强化校外供餐单位监管，督促供餐单位落实进货查验和留样制度，严防食物中毒事件发生。\n")
    units = tasks(tree)
    assert len(units) == 3 and all(u.parent_id is None for u in units)
    assert items(tree) == []


def test_a_cover_letter_alone_is_still_refused() -> None:
    with pytest.raises(InputError, match="no recognisable structure"):
        parse("关于印发《某某县2024年食品安全工作要点》的通知\n各乡镇人民政府，县直各单位：\n"
              "现将《某某县2024年食品安全工作要点》印发给你们，请认真贯彻执行。\n某某县人民政府办公室\n2024年3月1日\n")


def test_an_enumeration_closed_by_one_statement_gives_its_bodies_to_every_member() -> None:
    tree = parse("某某县2024年农业农村工作要点\n一、稳定粮食生产\n重点抓好两项工作：一是落实耕地保护责任，严守耕地红线；"
                 "二是推进高标准农田建设，新建农田两万亩。（县农业农村局负责）\n二、加强监管\n"
                 "1.开展抽检，重点做好（1）蔬菜农残检测和（2）畜禽产品兽残检测。（县农业农村局负责）\n")
    assert [who(u) for u in tasks(tree)] == [[("县农业农村局", "responsible")]] * 3
    assert items(tree) == ["一", "一是", "二是", "二", "1"]


def test_leading_clauses_open_the_units_they_name() -> None:
    tree = parse("某某省2005年农村饮水安全工作实施方案\n一、保障水源安全\n"
                 "由省水利厅承办，省卫生厅、省环保局协办。工作目标：农村集中供水水质合格率达到90%以上。主要措施：\n"
                 "（一）由省水利厅负责，省财政厅配合，加快农村供水工程建设，完善工程运行管护机制。"
                 "省卫生厅做好农村饮用水水质监测工作，定期公布监测结果。"
                 "省环保局负责，省水利厅配合，划定农村饮用水水源保护区。\n")
    units = tasks(tree)
    assert [who(u) for u in units] == [
        [("省水利厅", "lead"), ("省卫生厅", "support"), ("省环保局", "support")],
        [("省水利厅", "responsible"), ("省财政厅", "support")],
        [("省卫生厅", "responsible")],
        [("省环保局", "responsible"), ("省水利厅", "support")],
    ]
    assert units[0].indicators[0].value == 90
    assert [u.text[:6] for u in units[1:]] == ["由省水利厅负", "省卫生厅做好", "省环保局负责"]


def test_a_sentence_naming_a_generic_department_type_is_no_statement() -> None:
    tree = parse("某某省2024年校外托管机构监管意见\n一、明确职责\n"
                 "（一）明确部门职责。教育部门负责指导学校掌握学生参加托管情况。公安部门负责周边治安秩序维护。\n"
                 "（二）加强组织领导。省级层面，省市场监管局牵头推动监管工作，省教育厅、省公安厅等部门依职责分工落实监管责任。\n")
    units = tasks(tree)
    assert who(units[0]) == []
    assert who(units[1]) == [("省市场监管局", "lead"), ("省教育厅", "responsible"), ("省公安厅", "responsible")]


def test_a_per_agency_list_gives_each_heading_body_to_the_tasks_below_it() -> None:
    tree = parse("上海市2025年度食品安全工作责任清单\n上海市区级人民政府\n"
                 "1.完成年度食品安全重点工作指标任务，食品抽检合格率达到98%以上。\n2.落实属地管理责任，开展食品安全专项整治。\n")
    assert [who(u) for u in tasks(tree)] == [[("上海市区级人民政府", "responsible")]] * 2
    numbered = parse("某某市2025年食品安全工作责任清单\n一、市农业农村委\n1.开展农产品质量安全例行监测。\n"
                     "2.推进食用农产品承诺达标合格证制度。\n二、市市场监管局\n3.开展食品安全监督抽检。\n"
                     "三、保障措施\n4.加强组织领导，定期召开联席会议。\n")
    assert [who(u) for u in tasks(numbered)] == [[("市农业农村委", "responsible")]] * 2 + [
        [("市市场监管局", "responsible")], []]


def test_a_closing_signature_is_neither_a_unit_nor_an_agency_heading() -> None:
    tree = parse("某某省人民政府办公厅关于加强校外托管机构监管的意见\n一、加强监管\n"
                 "（一）依法办理主体登记。开展校外托管服务应依法登记。（责任单位：省民政厅、省市场监管局）\n"
                 "（二）落实消防安全责任。定期开展消防演练。（责任单位：省消防救援局）\n"
                 "某某省人民政府办公厅\n2026年8月16日\n")
    units = tasks(tree)
    assert len(units) == 2 and all("人民政府办公厅" not in u.text for u in units)


def test_a_plan_whose_title_and_body_share_one_line_is_read_after_the_title() -> None:
    tree = parse("某某市2024年科技创新工作要点为推动科技创新，制定本要点。一、强化企业创新主体地位1.实施科技企业培育工程。"
                 "（市科技局负责）2.落实研发费用加计扣除政策。（市税务局负责）二、加强人才引育3.实施青年人才计划。（市人社局负责）")
    assert items(tree) == ["一", "1", "2", "二", "3"]
    assert len(tasks(tree)) == 3


def test_a_title_running_into_numbered_children_of_any_style() -> None:
    first = "".join(f"{n}.开展第{n}项产品研发工作，推动产品上市。（市经信局负责）" for n in range(1, 11))
    tree = parse("某某市2024年产业发展行动方案\n为推动产业发展，制定本方案。一、加速产品化" + first +
                 "二、完善产业生态11.建设产业集聚区，培育龙头企业。（市发展改革委负责）12.加强金融支持，设立产业基金。"
                 "（市财政局负责）")
    assert items(tree) == ["一", *[str(n) for n in range(1, 11)], "二", "11", "12"]
    assert [who(u)[0][0] for u in tasks(tree)][-2:] == ["市发展改革委", "市财政局"]


def test_the_closing_signature_of_a_flattened_page_is_not_part_of_the_last_unit() -> None:
    tree = parse("某某省人民政府办公厅关于加强托管机构监管的意见\n为加强监管，提出如下意见。（一）依法办理主体登记。"
                 "开展托管服务应依法登记，并在显著位置公示。（责任单位：省民政厅）（二）落实消防安全责任。定期开展消防演练。"
                 "（责任单位：省消防救援局）某某省人民政府办公厅2026年8月16日（此件公开发布）【原文下载】")
    last = tasks(tree)[-1]
    assert last.text.endswith("（责任单位：省消防救援局）") and len(tasks(tree)) == 2


def test_a_sentence_ending_at_the_margin_does_not_swallow_the_signature_after_it() -> None:
    body = ("一、加强监管\n"
            "（一）开展专项整治行动，严厉打击违法违规行为，保障群众饮食安\n"
            "全。（县市场监管局负责）\n"
            "（二）加强日常监督检查，督促企业落实主体责任，切实防范食品安\n"
            "全风险，确保全县不发生重大食品安全事故。本方案自印发之日起施\n"
            "行，有效期至二〇二六年十二月三十一日，由县市场监管局负责解释。\n"
            "某某县人民政府办公室\n"
            "2025年3月1日\n")
    lines = "某某县2025年食品安全专项整治工作方案\n" + "为保障群众饮食安全，制定本方案，全县各乡镇、各部门要认真贯彻\n" * 6 + body
    tree = parse(lines)
    assert all("人民政府办公室" not in u.text for u in tasks(tree))
