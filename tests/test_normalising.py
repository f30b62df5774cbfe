"""Normalising: what a parser sees of the sample corpus, and the offset map every span relies on."""
from __future__ import annotations

import functools
import re
import time
from pathlib import Path

import opencc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policygraph.loaders.normalising import CONTEXT_FOLD, FOLD, LINE_BREAKS, NormalisedText, normalise
from policygraph.loaders.numbering import match_numbering

CORPUS = Path(__file__).resolve().parent.parent / "data" / "corpus"


def corpus(prefix: str) -> str:
    return next(CORPUS.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


def lines_of(prefix: str) -> list[str]:
    return normalise(corpus(prefix)).text.split("\n")


def source_char_ok(src: str, out: str) -> bool:
    """``out`` is what normalising may turn ``src`` into: itself, a fold, "\\n" for any line break, or the
    Simplified form of a Traditional character (one for one)."""
    folded = src.translate(FOLD)
    simplified = _t2s().convert(src)
    return out in (src, folded, CONTEXT_FOLD.get(folded), simplified) or (out == "\n" and src in LINE_BREAKS)


@functools.lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def assert_origin_invariants(decoded: str, norm: NormalisedText) -> None:
    text, origin = norm.text, norm.origin
    assert len(origin) == len(text) + 1
    assert origin[-1] == len(decoded)
    assert all(a < b for a, b in zip(origin, origin[1:])), "origin must increase: nothing is inserted or reordered"
    for i, ch in enumerate(text):
        assert 0 <= origin[i] < len(decoded)
        assert source_char_ok(decoded[origin[i]], ch), (i, ch, decoded[origin[i]])


# --- the shape a parser wants -------------------------------------------------------------------------


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_one_clean_paragraph_per_line(prefix: str) -> None:
    lines = lines_of(prefix)
    assert all(lines), "no blank lines"
    assert all(line == line.strip() for line in lines), "no leading or trailing whitespace"
    assert not any(re.search(r"[\u4e00-\u9fff] +[\u4e00-\u9fff%0-9]", line) for line in lines)


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_offset_map_holds_on_the_corpus(prefix: str) -> None:
    text = corpus(prefix)
    assert_origin_invariants(text, normalise(text))


def test_spaced_out_newspaper_text_is_closed_up() -> None:
    text = normalise(corpus("001")).text
    assert "到2020年，规模以上食品生产企业全部建立HACCP体系" in text
    assert "稳定在98%以上" in text
    assert "完善药安食美App，推进" in text
    assert "主体责任，确保产品来源可查、去向可追。到2020年" in text


def test_hard_wrapped_measures_become_one_line_each() -> None:
    lines = lines_of("001")
    assert any(line.startswith("41.深化风险监测和标准制定专项提升行动。") for line in lines)
    assert "十一、深入开展食品安全放心工程攻坚行动" in lines
    # Every line opens a section or a measure, except the masthead, the title and the preamble.
    assert lines[:2] == ["省委省政府印发", "《关于深化改革加强食品安全工作的若干措施》"]
    assert lines[2].startswith("食品抽检合格率稳定在98%以上，区域性") and lines[2].endswith("达到全国先进水平。")
    assert all(match_numbering(line) is not None for line in lines[3:])
    numbers = [m.label for line in lines if (m := match_numbering(line)) and m.style == "arabic-dot"]
    assert numbers == [str(n) for n in range(3, 56)], "measures 3.–55. each on their own line, none split"


def test_page_breaks_inside_a_sentence_are_joined_in_wrapped_text() -> None:
    text = normalise(corpus("001")).text
    assert "加强挥发性有机物（VOCs）排放监控体系建设" in text
    assert "食品安全事故处置等责任；所有提供网上订餐服务" in text
    assert "以保障北京冬奥会和冬残奥会" in text
    assert "覆盖全部农业县（市、区）。\n51.实施冬奥会食品安全保障行动。" in text


def test_page_jump_note_is_removed() -> None:
    text = normalise(corpus("001")).text
    assert "上接" not in text
    assert "\n食品抽检合格率稳定在98%以上，" in text


def test_split_responsibility_parenthesis_is_joined() -> None:
    lines = lines_of("003")
    joined = [line for line in lines if "农业农村局、财政局按职责分工负责）" in line]
    assert len(joined) == 1 and joined[0].startswith("（四）落实创建工作责任。")
    assert "工负责）" not in lines


def test_page_break_inside_a_running_sentence_is_joined_in_paragraph_text() -> None:
    text = normalise(corpus("003")).text
    assert "加强婴幼儿配方乳粉质量监管。" in text
    assert "专项行动。公布食品安全犯罪监督举报方式" in text


def test_web_preview_line_is_dropped() -> None:
    lines = lines_of("000")
    assert lines[0] == "XX县2024年食品安全重点工作安排"
    assert lines[1].startswith("为深入贯彻落实党中央") and not any(line.endswith("...") for line in lines)


def test_cover_letter_is_kept() -> None:
    lines = lines_of("003")
    assert lines[0] == "西平县人民政府食品安全委员会文件"
    assert "西平县人民政府食品安全委员会关于印发2020年西平县食品安全工作要点的通知" in lines


@pytest.mark.parametrize(("prefix", "joined"), [("000", 0), ("002", 0), ("003", 6), ("004", 0)])
def test_paragraph_per_line_documents_keep_their_lines(prefix: str, joined: int) -> None:
    """Only debris goes (000's preview line) and only page-split lines are joined (003: one parenthesis and
    five sentences cut by a page break; a break that falls at a full stop cannot be told from a paragraph end)."""
    raw = [line for line in corpus(prefix).splitlines() if line.strip()]
    dropped = 1 if prefix == "000" else 0
    assert len(lines_of(prefix)) == len(raw) - dropped - joined


# --- character folds ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("41. 深 化 风 险", "41.深化风险"),
        ("到 2020 年 ，规 模", "到2020年，规模"),
        ("稳定在 98%以上", "稳定在98%以上"),
        ("１．加强监管", "1.加强监管"),
        ("达到９５％以上", "达到95%以上"),
        ("(县农业农村局牵头)", "（县农业农村局牵头）"),
        ("工作要求:", "工作要求："),
        ("监管,执法;检查", "监管，执法；检查"),
        ("投入1,000万元", "投入1,000万元"),
        ("HACCP 体系 and ISO  22000", "HACCP体系and ISO 22000"),
        ("\u3000\u3000一、总体要求\u3000", "一、总体要求"),
        ("食品\u200b安全", "食品安全"),
    ],
)
def test_character_folds(raw: str, expected: str) -> None:
    assert normalise(raw).text == expected


@pytest.mark.parametrize(
    "debris", ["- 3 -", "— 12 —", "第 3 页", "第3页 共10页", "（下转第2版）", "（上接第X页）", "(接上页)"]
)
def test_page_number_lines_are_removed(debris: str) -> None:
    raw = f"一、总体要求\n{debris}\n（一）加强监管。（县市场监管局负责）"
    assert normalise(raw).text == "一、总体要求\n（一）加强监管。（县市场监管局负责）"


def test_running_header_repeated_at_page_breaks_is_removed() -> None:
    pages = [f"（{n}）第{n}项工作。（县市场监管局负责）" for n in "一二三四"]
    raw = "\f".join(f"XX县人民政府文件\n{page}\n- {i} -\n" for i, page in enumerate(pages, 1))
    assert normalise(raw).text.split("\n") == pages


def test_crlf_and_form_feed_become_one_newline() -> None:
    norm = normalise("一、甲\r\n二、乙\f三、丙")
    assert norm.text == "一、甲\n二、乙\n三、丙"
    assert norm.to_source(4, 6) == (5, 7)


def test_to_source_maps_spans_back() -> None:
    decoded = corpus("001")
    norm = normalise(decoded)
    start = norm.text.index("41.深化风险")
    a, b = norm.to_source(start, start + len("41.深化风险"))
    assert decoded[a:b] == "41. 深 化 风 险"
    assert norm.to_source(start, start) == (a, a)
    assert norm.to_source(len(norm.text), len(norm.text)) == (len(decoded), len(decoded))
    with pytest.raises(ValueError):
        norm.to_source(5, 2)


def test_megabyte_of_text_is_fast() -> None:
    text = (corpus("001") + "\n\n") * 30
    normalise("warm up")
    started = time.perf_counter()
    normalise(text)
    assert time.perf_counter() - started < 3.0  # generous for loaded CI machines; ~0.4 s on an idle one


# --- properties --------------------------------------------------------------------------------------

_ALPHABET = st.sampled_from(
    list("食品安全监管局县市（）()《》“”，。、；：,.;:!? \u3000\t\n\r\f-—…123４５６ＡaZ%％")
    + ["（上接第一版）", "- 3 -", "负责）", "\n\n", "一、", "3.", "（一）", "\u200b", "\x00", "\ufeff"]
)
_TEXT = st.one_of(st.text(), st.lists(_ALPHABET, max_size=80).map("".join))


@settings(max_examples=400, deadline=None)
@given(_TEXT)
def test_normalise_never_raises_and_keeps_the_offset_map(decoded: str) -> None:
    norm = normalise(decoded)
    assert_origin_invariants(decoded, norm)
    assert "\n\n" not in norm.text and not norm.text.startswith("\n") and not norm.text.endswith("\n")


@settings(max_examples=200, deadline=None)
@given(_TEXT, st.data())
def test_to_source_spans_are_ordered_and_in_range(decoded: str, data: st.DataObject) -> None:
    norm = normalise(decoded)
    start = data.draw(st.integers(0, len(norm.text)))
    end = data.draw(st.integers(start, len(norm.text)))
    a, b = norm.to_source(start, end)
    assert 0 <= a <= b <= len(decoded)
    assert (b - a >= end - start) and (start == end) == (a == b)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["食品安全", "监管", "2020年", "98%", "（县市场监管局负责）", "。"]), min_size=1))
def test_normalising_is_idempotent_on_clean_single_lines(words: list[str]) -> None:
    once = normalise("".join(words)).text
    assert normalise(once).text == once
