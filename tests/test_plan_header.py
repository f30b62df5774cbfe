"""A plan's header: which document is this, whose is it, for which year, and where does its body start."""
from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policygraph.loaders.plan_header import PlanHeader, detect_header, kind_of

CORPUS = Path(__file__).resolve().parent.parent / "data" / "corpus"
_CJK = r"[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef《》“”]"


def approx_normalise(raw: str, hard_wrapped: bool) -> str:
    """Stand-in for the normaliser: one paragraph a line, no spaces between CJK, full-width parentheses."""
    if hard_wrapped:
        paras = [" ".join(ln.strip() for ln in p.splitlines() if ln.strip()) for p in re.split(r"\n\s*\n", raw)]
        lines = [p for p in paras if p]
    else:
        lines = [ln.strip() for ln in raw.splitlines() if ln.strip()]
    lines = [re.sub(rf"(?<={_CJK})\s+(?={_CJK})", "", ln).replace("(", "（").replace(")", "）") for ln in lines]
    return "\n".join(lines)


def _real_normaliser() -> Callable[[str], str] | None:
    try:
        from policygraph.loaders.normalising import normalise
    except ImportError:
        return None
    return lambda raw: normalise(raw).text


@pytest.fixture(params=["approx", "normaliser"])
def load(request: pytest.FixtureRequest) -> Callable[[str], str]:
    """Corpus text as detect_header receives it: through the real normaliser when it exists, and the stand-in."""
    real = _real_normaliser()
    if request.param == "normaliser" and real is None:
        pytest.skip("policygraph.loaders.normalising not available yet")

    def read(prefix: str) -> str:
        path = next(CORPUS.glob(f"{prefix}_*.txt"))
        raw = path.read_text("utf-8")
        if request.param == "normaliser" and real is not None:
            return real(raw)
        return approx_normalise(raw, hard_wrapped=prefix == "001")

    return read


def line_after(text: str, needle: str) -> int:
    """Offset of the line after the whole line ``needle``."""
    m = re.search(rf"^{re.escape(needle)}$", text, re.M)
    assert m, needle
    return m.end() + 1


def assert_title_span(text: str, h: PlanHeader) -> None:
    assert text[h.title_span[0] : h.title_span[1]] == h.title


CORPUS_EXPECTED = [
    # prefix, title, kind, year, place, level, parents, anonymised, draft, issuer
    ("000", "XX县2024年食品安全重点工作安排", "重点工作安排", 2024, "XX县", "county", ["河北省"], True, False, None),
    ("001", "关于深化改革加强食品安全工作的若干措施", "若干措施", None, "河北省", "province", [], False, False,
     "河北省委省政府"),
    ("002", "河北区2022年食品安全监督管理计划", "监督管理计划", 2022, "河北区", "county", ["天津市"], False, True, None),
    ("003", "2020年西平县食品安全工作要点", "工作要点", 2020, "西平县", "county", ["驻马店市", "河南省"], False, False,
     "西平县人民政府食品安全委员会"),
    ("004", "2023年红旗区食品安全工作要点", "工作要点", 2023, "红旗区", "county", ["新乡市", "河南省"], False, False, None),
]


@pytest.mark.parametrize(
    ("prefix", "title", "kind", "year", "place", "level", "parents", "anonymised", "draft", "issuer"), CORPUS_EXPECTED
)
def test_corpus_headers(
    load: Callable[[str], str], prefix: str, title: str, kind: str, year: int | None, place: str, level: str,
    parents: list[str], anonymised: bool, draft: bool, issuer: str | None,
) -> None:
    text = load(prefix)
    h = detect_header(text)
    assert (h.title, h.kind, h.year, h.draft, h.issuer) == (title, kind, year, draft, issuer)
    j = h.jurisdiction
    assert (j.name, j.level, j.parents, j.anonymised) == (place, level, parents, anonymised)
    assert_title_span(text, h)


def test_body_starts_after_the_title_not_in_the_cover_letter(load: Callable[[str], str]) -> None:
    text = load("003")
    h = detect_header(text)
    assert h.body_start == line_after(text, "2020年西平县食品安全工作要点")
    assert text[h.body_start :].startswith("2020年，是全面建成小康社会")
    assert "印发给你们" in text[: h.body_start]  # the cover letter is skipped, not parsed as body
    assert h.title_span[0] > text.index("的通知")  # the title is the printed one, not the notice's mention


def test_body_starts_after_the_draft_marker(load: Callable[[str], str]) -> None:
    text = load("002")
    h = detect_header(text)
    assert h.body_start == line_after(text, "（征求意见稿）")
    assert "征求意见稿" not in h.title


@pytest.mark.parametrize(("prefix", "opening"), [("000", "为深入贯彻落实"), ("004", "2023年是全面贯彻")])
def test_body_starts_on_the_line_after_a_first_line_title(load: Callable[[str], str], prefix: str, opening: str) -> None:
    text = load(prefix)
    h = detect_header(text)
    assert text[h.body_start :].startswith(opening)
    assert text[h.title_span[1] : h.body_start].strip() == ""


def test_001_body_starts_after_the_quoted_title(load: Callable[[str], str]) -> None:
    text = load("001")
    h = detect_header(text)
    assert text[h.title_span[1] : h.title_span[1] + 1] == "》"
    assert "食品抽检合格率" in text[h.body_start : h.body_start + 40]


def test_web_preview_line_is_not_the_title() -> None:
    """000's raw first line previews the whole text and ends with '...'; the real title is the next line."""
    raw = (CORPUS / "000_720280f9a1b25883.txt").read_text("utf-8")
    text = approx_normalise(raw, hard_wrapped=False)
    assert text.splitlines()[0].endswith("...")
    h = detect_header(text)
    assert h.title == "XX县2024年食品安全重点工作安排"
    assert h.title_span[0] == len(text.splitlines()[0]) + 1


def test_001_title_alone_on_its_line_after_the_issuing_line() -> None:
    text = "省委省政府印发\n《关于深化改革加强食品安全工作的若干措施》\n食品抽检合格率稳定在98%以上。\n二、建立最严谨的标准\n河北省"
    h = detect_header(text)
    assert (h.title, h.issuer, h.jurisdiction.name) == ("关于深化改革加强食品安全工作的若干措施", "河北省委省政府", "河北省")
    assert text[h.body_start :].startswith("食品抽检")
    assert_title_span(text, h)


@pytest.mark.parametrize(
    ("text", "title", "kind", "year", "place", "level", "parents", "issuer"),
    [
        ("滨海新区2023年食品安全工作计划\n2023年，全区食品安全工作稳中有进。\n一、加强领导",
         "滨海新区2023年食品安全工作计划", "工作计划", 2023, "滨海新区", "county", ["天津市"], None),
        ("辛集市2022年食品安全重点工作安排\n为做好全市食品安全工作，制定本安排。\n一、强化风险防控",
         "辛集市2022年食品安全重点工作安排", "重点工作安排", 2022, "辛集市", "county", ["石家庄市", "河北省"], None),
        ("国务院办公厅关于加强食品安全工作的通知\n国办发〔2012〕20号\n各省、自治区、直辖市人民政府：\n近年来，成效明显。\n一、总体要求",
         "国务院办公厅关于加强食品安全工作的通知", "通知", 2012, "中国", "national", [], "国务院办公厅"),
        ("驻马店市2021年食品安全工作要点\n2021年是“十四五”开局之年。\n一、落实责任",
         "驻马店市2021年食品安全工作要点", "工作要点", 2021, "驻马店市", "city", ["河南省"], None),
        ("市委办公室市政府办公室印发\n《关于加强食品安全工作的实施意见》\n为深入贯彻，提出如下意见。\n一、总体要求\n新乡市新乡市河南省",
         "关于加强食品安全工作的实施意见", "实施意见", None, "新乡市", "city", ["河南省"], "新乡市委办公室市政府办公室"),
        ("二〇二一年红旗区食品安全工作要点（征求意见稿）\n正文。",
         "二〇二一年红旗区食品安全工作要点", "工作要点", 2021, "红旗区", "county", ["新乡市", "河南省"], None),
    ],
)
def test_synthetic_layouts(
    text: str, title: str, kind: str, year: int | None, place: str, level: str, parents: list[str], issuer: str | None
) -> None:
    h = detect_header(text)
    assert (h.title, h.kind, h.year, h.issuer) == (title, kind, year, issuer)
    assert (h.jurisdiction.name, h.jurisdiction.level, h.jurisdiction.parents) == (place, level, parents)
    assert_title_span(text, h)


def test_national_cover_letter_prints_its_attachment() -> None:
    text = (
        "国务院办公厅关于印发2014年食品安全重点工作安排的通知\n国办发〔2014〕20号\n"
        "各省、自治区、直辖市人民政府，国务院各部委、各直属机构：\n"
        "《2014年食品安全重点工作安排》已经国务院同意，现印发给你们，请认真贯彻执行。\n国务院办公厅\n"
        "2014年食品安全重点工作安排\n2014年是全面深化改革的开局之年。\n一、深化监管"
    )
    h = detect_header(text)
    assert (h.title, h.kind, h.year, h.issuer, h.jurisdiction.level) == (
        "2014年食品安全重点工作安排", "重点工作安排", 2014, "国务院办公厅", "national")
    assert text[h.body_start :].startswith("2014年是全面深化改革")


def test_cover_letter_title_with_trial_marker_and_anonymised_district() -> None:
    text = (
        "XX市XX区人民政府关于印发XX区2021年食品安全工作方案的通知\n各街道：\n"
        "现将《XX区2021年食品安全工作方案》印发给你们。\nXX区2021年食品安全工作方案（试行）\n"
        "为保障安全，制定本方案。\n一、目标\n河南省市场监管局、河南省卫生健康委"
    )
    h = detect_header(text)
    assert h.title == "XX区2021年食品安全工作方案（试行）" and h.kind == "工作方案"
    assert h.jurisdiction.anonymised and h.jurisdiction.parents == ["河南省"]
    assert text[h.body_start :].startswith("为保障安全")


def test_a_notice_quoted_in_the_opening_is_not_a_cover_letter() -> None:
    text = (
        "XX县2023年食品安全工作要点\n"
        "根据《国务院办公厅关于印发2023年食品安全重点工作安排的通知》要求，结合我县实际，制定本要点。\n"
        "国务院办公厅关于印发2023年食品安全重点工作安排的通知\n一、压实责任"
    )
    h = detect_header(text)
    assert h.title == "XX县2023年食品安全工作要点" and h.issuer is None
    assert text[h.body_start :].startswith("根据《国务院办公厅")


@pytest.mark.parametrize(
    ("title", "kind"),
    [("2020年西平县食品安全工作要点", "工作要点"), ("XX县2024年食品安全重点工作安排", "重点工作安排"),
     ("河北区食品安全监督管理计划", "监督管理计划"), ("食品安全管理办法（试行）", "管理办法"), ("食品安全情况报告", None)],
)
def test_kind_is_the_longest_matching_title_ending(title: str, kind: str | None) -> None:
    assert kind_of(title) == kind


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("一二、（）《》\n 。，：2020年县区市省XX关于印发的通知工作要点征求意见稿文件号〔〕河北西平")),
               max_size=200))
def test_detect_header_never_raises_and_spans_are_in_range(text: str) -> None:
    h = detect_header(text)
    start, end = h.title_span
    assert 0 <= start <= end <= len(text)
    assert 0 <= h.body_start <= len(text)
    assert text[start:end] == h.title


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=300))
def test_detect_header_is_total_on_any_text(text: str) -> None:
    h = detect_header(text)
    assert 0 <= h.title_span[0] <= h.title_span[1] <= len(text) and 0 <= h.body_start <= len(text)


# --- layouts of real scrapes: wrappers, two-line titles, issuers, years, levels ------------------------------


def header_of(raw: str) -> PlanHeader:
    """Through the real normaliser, with the decoded text, as parse does."""
    from policygraph.loaders.normalising import normalise

    return detect_header(normalise(raw), raw)


def test_notice_wrapper_gives_the_plan_it_prints_and_the_signer() -> None:
    h = header_of(
        "# 关于印发《某某市数据要素市场培育行动方案（2024-2026年）》的通知\n\n沪数〔2024〕3号\n\n各有关单位：\n\n"
        "现将《某某市数据要素市场培育行动方案（2024-2026年）》印发给你们，请认真落实。\n\n上海市数据局\n\n"
        "2024年3月1日\n\n**某某市数据要素市场培育行动方案（2024-2026年）**\n\n为培育数据要素市场，制定本方案。\n一、主要目标")
    assert (h.title, h.kind, h.year, h.issuer) == ("某某市数据要素市场培育行动方案（2024-2026年）", "行动方案", 2024, "上海市数据局")


def test_a_letter_that_only_says_it_prints_the_plan() -> None:
    h = header_of("各区食安委：\n现将《上海市2023年度食品安全工作责任清单》印发给你们,请认真贯彻落实。\n上海市食品药品安全委员会\n"
                  "2023年4月1日\n上海市2023年度食品安全工作责任清单\n1.完成指标任务。")
    assert (h.title, h.kind, h.issuer, h.jurisdiction.name, h.jurisdiction.level) == (
        "上海市2023年度食品安全工作责任清单", "责任清单", "上海市食品药品安全委员会", "上海市", "province")


def test_issuer_and_title_on_one_line_with_guillemets() -> None:
    h = header_of("北京市人民政府办公厅印发《关于加快发展科技服务业 推进创新驱动的若干意见》\n京政办发〔2023〕7号\n"
                  "各区人民政府：\n现提出如下意见。\n一、总体要求")
    assert (h.title, h.kind, h.year, h.issuer) == (
        "关于加快发展科技服务业 推进创新驱动的若干意见", "若干意见", 2023, "北京市人民政府办公厅")
    assert (h.jurisdiction.name, h.jurisdiction.level) == ("北京市", "province")


def test_notice_broken_after_its_verb_names_issuer_and_plan() -> None:
    h = header_of("国务院关于印发\n\n“十五五”现代物流发展规划的通知\n\n国发〔2026〕3号\n\n现将《“十五五”现代物流发展规划》"
                  "印发给你们。\n\n国务院\n\n2026年1月5日\n\n“十五五”现代物流发展规划\n\n物流是实体经济的筋络。\n\n一、发展形势")
    assert (h.title, h.kind, h.year, h.issuer) == ("“十五五”现代物流发展规划", "规划", 2026, "国务院")
    assert (h.jurisdiction.name, h.jurisdiction.level) == ("中国", "national")


def test_two_line_titles() -> None:
    wrapped = header_of("关于进一步深化改革创新\n加快科技服务业高质量发展的若干意见\n为加快发展，提出如下意见。\n一、总体要求\n上海市")
    assert wrapped.title == "关于进一步深化改革创新加快科技服务业高质量发展的若干意见"
    period = header_of("附件\n上海市北斗产业高质量发展三年行动计划\n（2021-2023年）\n为加快发展，特制定本行动计划。\n一、总体思路")
    assert period.title == "上海市北斗产业高质量发展三年行动计划（2021-2023年）" and period.kind == "行动计划"
    assert period.year == 2021
    issuer_line = header_of("山东省人民政府办公厅\n关于加强校外托管机构监管的意见\n鲁政办发〔2026〕8号\n各市人民政府：\n"
                            "为加强监管，提出如下意见。\n一、适用范围")
    assert (issuer_line.title, issuer_line.issuer, issuer_line.year) == (
        "关于加强校外托管机构监管的意见", "山东省人民政府办公厅", 2026)


def test_the_body_starts_after_the_printed_copy_of_a_repeated_title() -> None:
    raw = ("关于加强校外托管机构监管的意见\n山东省人民政府办公厅关于加强校外托管机构监管的意见\n山东省人民政府办公厅\n"
           "关于加强校外托管机构监管的意见\n鲁政办发〔2026〕8号\n为加强监管，提出如下意见。\n一、适用范围\n本意见适用于全省。\n"
           "山东省人民政府办公厅\n2026年8月6日\n（此件公开发布）")
    from policygraph.loaders.normalising import normalise

    text = normalise(raw).text
    h = detect_header(text)
    assert text[h.body_start:].startswith("鲁政办发")
    assert h.body_end is not None and text[h.body_end:].startswith("山东省人民政府办公厅\n2026年8月6日")


@pytest.mark.parametrize(("raw", "year"), [
    ("关于加强食品安全工作的意见\n豫政〔2019〕15号\n为加强监管，提出如下意见。\n一、总体要求", 2019),
    ("关于加强食品安全工作的意见\n豫政[2019]15号\n为加强监管，提出如下意见。\n一、总体要求", 2019),
    ("某某县人民政府\n二〇二〇年三月五日\n关于加强食品安全工作的意见\n为加强监管，提出如下意见。\n一、总体要求", 2020),
    ("全国食品安全宣传周重点任务分工方案\n2020年9月11日，全国电视电话会议部署了宣传周工作。\n一、总体要求", 2020),
])
def test_year_from_the_document_number_the_signing_date_or_the_opening_date(raw: str, year: int) -> None:
    assert header_of(raw).year == year


@pytest.mark.parametrize(("raw", "place", "level"), [
    ("财政部关于加强预算绩效管理的实施意见\n为加强管理，提出如下意见。\n一、总体要求", "中国", "national"),
    ("国家市场监督管理总局关于加强食品抽检工作的通知\n各省市场监管局：\n一、总体要求", "中国", "national"),
    ("全国深化“放管服”改革重点任务分工方案\n为落实会议部署，制定本方案。\n一、总体要求", "中国", "national"),
    ("关于印发《某某行动方案》的通知\n现将《某某行动方案》印发给你们。\n上海市科学技术委员会\n2025年1月10日\n某某行动方案\n"
     "为加快发展，制定本方案。\n一、主要目标", "上海市", "province"),
    ("城关镇2023年食品安全工作要点\n为做好全镇食品安全工作，制定本要点。\n一、压实责任\n西平县", "城关镇", "township"),
    ("x市2022年食品安全工作计划\n为做好全市工作，制定本计划。\n一、加强监管", "x市", "city"),
    ("XX县2022年食品安全工作计划\n为做好全县工作，制定本计划。\n一、加强监管", "XX县", "county"),
    ("省治理餐桌污染工作实施方案\n根据《福建省人民政府关于加强食品安全工作的通知》，制定本方案。\n一、治理畜牧业产品污染\n"
     "由福建省经贸委承办。", "福建省", "province"),
])
def test_each_level_rule(raw: str, place: str, level: str) -> None:
    j = header_of(raw).jurisdiction
    assert (j.name, j.level) == (place, level)


def test_a_site_name_in_the_metadata_is_not_the_issuer() -> None:
    h = header_of("# 某某区2024年食品安全工作要点\n\n**发布日期**: 2024-03-01\n**发布机构**: 上海市科学技术委员会\n\n---\n\n"
                  "为做好全区工作，制定本要点。\n一、压实责任")
    assert h.title == "某某区2024年食品安全工作要点" and h.issuer is None


def test_traditional_title_is_kept_as_written() -> None:
    h = header_of("國務院辦公廳關於加強食品安全工作的通知\n國辦發〔2012〕20號\n各省、自治區、直轄市人民政府：\n一、總體要求")
    assert (h.title, h.kind, h.year, h.issuer, h.jurisdiction.level) == (
        "國務院辦公廳關於加強食品安全工作的通知", "通知", 2012, "国务院办公厅", "national")
