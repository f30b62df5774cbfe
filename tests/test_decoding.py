"""Decoding: the same document read from any format gives the same text; every bad file is one clear error."""
from __future__ import annotations

import io
import os
from pathlib import Path

import docx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader, PdfWriter
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from policygraph.errors import InputError
from policygraph.loaders.decoding import Decoded, decode_bytes, decode_file
from policygraph.loaders.normalising import normalise

CORPUS = Path(__file__).resolve().parent.parent / "data" / "corpus"


def corpus_path(prefix: str) -> Path:
    return next(CORPUS.glob(f"{prefix}_*.txt"))


SAMPLE = corpus_path("004").read_text(encoding="utf-8")
SAMPLE_LINES = SAMPLE.split("\n")[:40]


def make_docx(lines: list[str], path: Path, table_rows: list[list[str]] | None = None) -> Path:
    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    if table_rows:
        table = document.add_table(rows=len(table_rows), cols=len(table_rows[0]))
        for row, values in zip(table.rows, table_rows):
            for cell, value in zip(row.cells, values):
                cell.text = value
    document.save(str(path))
    return path


def make_html(lines: list[str], charset: str = "utf-8") -> bytes:
    body = "".join(f"<p>{line}</p>\n" for line in lines if line.strip())
    page = (
        f'<!DOCTYPE html><html><head><meta charset="{charset}"><title>门户网站</title>'
        "<style>p {margin: 0}</style></head><body>"
        '<div class="nav"><a href="/">首页</a> &gt; <a href="/zwgk">政务公开</a></div>'
        f'<div id="zoom">{body}</div>'
        "<script>var hits = 1;</script><div class=\"footer\">主办单位：红旗区人民政府</div></body></html>"
    )
    return page.encode(charset)


def make_pdf(lines: list[str], per_line: int = 30, text: bool = True) -> bytes:
    """A CJK PDF as a word processor would print it: paragraphs wrapped at ``per_line`` characters."""
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    pdf = canvas.Canvas(buf)
    y = 800
    for line in (line.strip() for line in lines):
        for start in range(0, len(line), per_line):
            if y < 60:
                pdf.showPage()
                y = 800
            if text:
                pdf.setFont("STSong-Light", 10)
                pdf.drawString(40, y, line[start:start + per_line])
            else:
                pdf.rect(40, y, 300, 8, fill=1)
            y -= 14
    pdf.showPage()
    pdf.save()
    return buf.getvalue()


def norm(decoded: Decoded) -> str:
    return normalise(decoded.text).text


# --- one document, every format ----------------------------------------------------------------------


def test_utf8_bom_crlf_and_gb18030_decode_to_the_same_text(tmp_path: Path) -> None:
    raw = corpus_path("003").read_bytes()
    plain = decode_file(corpus_path("003"))
    bom = tmp_path / "bom.txt"
    bom.write_bytes(b"\xef\xbb\xbf" + raw.replace(b"\n", b"\r\n"))
    gb = tmp_path / "gb.txt"
    gb.write_bytes(raw.decode("utf-8").encode("gb18030"))
    assert plain.source_format == "utf-8"
    assert decode_file(bom).source_format == "utf-8-sig"
    assert decode_file(gb).source_format == "gb18030"
    assert decode_file(bom).text == decode_file(gb).text == plain.text
    assert "\r" not in decode_file(bom).text and not decode_file(bom).text.startswith("\ufeff")


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_normalised_text_is_identical_across_text_docx_and_html(prefix: str, tmp_path: Path) -> None:
    text = corpus_path(prefix).read_text(encoding="utf-8")
    lines = text.split("\n")
    gb = tmp_path / "doc.txt"
    gb.write_bytes(text.encode("gb18030"))
    word = make_docx(lines, tmp_path / "doc.docx")
    page = tmp_path / "doc.html"
    page.write_bytes(make_html(lines, charset="gbk"))
    expected = normalise(text).text
    assert norm(decode_file(gb)) == expected
    assert decode_file(word).source_format == "docx" and norm(decode_file(word)) == expected
    assert decode_file(page).source_format == "html" and norm(decode_file(page)) == expected


def test_html_keeps_main_content_and_drops_page_chrome(tmp_path: Path) -> None:
    decoded = decode_bytes(make_html(SAMPLE_LINES), "page.htm")
    assert decoded.text.startswith("2023年红旗区食品安全工作要点\n")
    for chrome in ("首页", "hits", "门户网站", "主办单位", "margin"):
        assert chrome not in decoded.text


def test_html_without_a_content_area_reads_the_body_with_block_breaks() -> None:
    page = "<html><body><h1>一、总体要求</h1><div>（一）加强<b>监管</b>。<br>（二）强化<span>执法</span>。</div></body></html>"
    assert decode_bytes(page.encode(), "x.html").text == "一、总体要求\n（一）加强监管。\n（二）强化执法。"


def test_docx_reads_table_cells_too(tmp_path: Path) -> None:
    rows = [["指标", "目标"], ["食品抽检合格率", "98%以上"]]
    decoded = decode_file(make_docx(["一、主要目标"], tmp_path / "t.docx", rows))
    assert decoded.text.split("\n") == ["一、主要目标", "指标", "目标", "食品抽检合格率", "98%以上"]


def test_docx_task_division_table_reads_as_plan_lines(tmp_path: Path) -> None:
    rows = [["序号", "任务", "牵头单位"], ["1", "开展校园食品安全守护行动", "县教育局"]]
    decoded = decode_file(make_docx(["一、重点任务"], tmp_path / "t.docx", rows))
    assert decoded.text.split("\n") == ["一、重点任务", "1.开展校园食品安全守护行动。（牵头单位：县教育局）"]


def test_docx_merged_cell_is_read_once(tmp_path: Path) -> None:
    path = make_docx([], tmp_path / "m.docx", [["牵头单位", ""], ["县市场监管局", "县教育局"]])
    document = docx.Document(str(path))
    top = document.tables[0].rows[0].cells
    top[0].merge(top[1])
    document.save(str(path))
    assert decode_file(path).text.split("\n").count("牵头单位") == 1


def test_html_upload_without_suffix_is_sniffed() -> None:
    assert decode_bytes(b"<!DOCTYPE html><html><body><p>\xe4\xb8\x80</p></body></html>", "upload").source_format == "html"


def test_pdf_text_layer_matches_the_text_modulo_wrapping() -> None:
    """pypdf reads reportlab's STSong-Light text back; the normaliser undoes the 30-character wrap."""
    decoded = decode_bytes(make_pdf(SAMPLE_LINES), "plan.pdf")
    assert decoded.source_format == "pdf"
    expected = normalise("\n".join(SAMPLE_LINES)).text
    got = norm(decoded)
    assert got.replace("\n", "") == expected.replace("\n", "")
    assert got == expected


def test_suffix_is_overridden_by_content_magic(tmp_path: Path) -> None:
    fake = tmp_path / "actually_a_pdf.txt"
    fake.write_bytes(make_pdf(SAMPLE_LINES[:3]))
    assert decode_file(fake).source_format == "pdf"


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1).filter(lambda s: s.strip()))
def test_any_utf8_text_round_trips(text: str) -> None:
    decoded = decode_bytes(text.encode("utf-8"), "x.txt")
    assert decoded.text == text.replace("\r\n", "\n").replace("\r", "\n").removeprefix("\ufeff")


# --- bad input: one InputError naming the file --------------------------------------------------------


def _bad_files(tmp_path: Path) -> dict[str, Path]:
    files: dict[str, bytes] = {
        "empty.txt": b"",
        "blank.txt": " \n\t\r\n\u3000\n".encode(),
        "binary.txt": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
        "controls.txt": b"abc\x01\x02\x03\x04\x05\x06\x07\x08" * 20,
        "undecodable.txt": bytes(range(128, 256)) * 4,
        "old.doc": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100,
        "broken.docx": b"this is not a zip file at all",
        "truncated.docx": make_docx(SAMPLE_LINES, tmp_path / "whole.docx").read_bytes()[:2000],
        "broken.pdf": b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\ngarbage",
        "scan.pdf": make_pdf(SAMPLE_LINES[:6], text=False),
        "locked.pdf": _encrypted_pdf(),
    }
    paths = {}
    for name, data in files.items():
        paths[name] = tmp_path / name
        paths[name].write_bytes(data)
    return paths


def _encrypted_pdf() -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf(SAMPLE_LINES[:3]))))
    writer.encrypt(user_password="secret", algorithm="RC4-128")
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("empty.txt", "empty"),
        ("blank.txt", "no text"),
        ("binary.txt", "binary"),
        ("controls.txt", "binary"),
        ("undecodable.txt", "encoding"),
        ("old.doc", ".docx"),
        ("broken.docx", "not a readable .docx"),
        ("truncated.docx", "not a readable .docx"),
        ("broken.pdf", "not a readable PDF"),
        ("scan.pdf", "OCR"),
        ("locked.pdf", "password"),
    ],
)
def test_bad_files_raise_one_clear_input_error(name: str, says: str, tmp_path: Path) -> None:
    path = _bad_files(tmp_path)[name]
    with pytest.raises(InputError) as caught:
        decode_file(path)
    assert caught.value.path == str(path)
    assert says in caught.value.problem and "\n" not in str(caught.value)
    with pytest.raises(InputError) as from_upload:
        decode_bytes(path.read_bytes(), name)
    assert from_upload.value.path == name


def test_missing_path_and_directory_are_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not found"):
        decode_file(tmp_path / "nope.txt")
    with pytest.raises(InputError, match="not a regular file"):
        decode_file(tmp_path)


def test_oversized_file_is_refused_before_reading(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_bytes("食品安全".encode() * 1000)
    with pytest.raises(InputError, match="limit") as caught:
        decode_file(big, max_bytes=1000)
    assert caught.value.path == str(big)
    with pytest.raises(InputError, match="limit"):
        decode_bytes(big.read_bytes(), "big.txt", max_bytes=1000)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_unreadable_file_is_refused(tmp_path: Path) -> None:
    locked = tmp_path / "locked.txt"
    locked.write_text("食品安全", encoding="utf-8")
    locked.chmod(0)
    with pytest.raises(InputError, match="cannot be read"):
        decode_file(locked)
