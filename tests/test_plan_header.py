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
