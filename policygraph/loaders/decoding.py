"""Bytes → text: the first stage of the pipeline, before any layout repair.

Policy documents arrive as UTF-8 or GB18030 text (most Chinese government sites), as Word files, as saved web
pages and as PDFs. Everything downstream works on one ``str`` whose offsets are the offsets every span points
into, so this module only decodes and extracts; it never rewrites wording (that is ``normalising``). The only
changes made here are the ones that make offsets stable: line endings become ``"\\n"`` and a BOM is dropped.

Every failure is an ``InputError`` naming the file and saying what the user can do, never a library traceback.
"""
from __future__ import annotations

import codecs
import html
import io
import logging
import re
import tomllib
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import docx
from charset_normalizer import from_bytes
from docx.opc.exceptions import PackageNotFoundError
from docx.table import Table
from docx.text.paragraph import Paragraph
from lxml import etree
from pypdf import PdfReader
from pypdf.errors import PyPdfError
from selectolax.lexbor import LexborHTMLParser, LexborNode

from policygraph.errors import InputError, TooLarge
from policygraph.limits import MAX_DOCX_EXPANDED_BYTES, MAX_DOCX_PARTS, MAX_HTML_DEPTH, MAX_UPLOAD_BYTES
from policygraph.loaders.tables import task_table_lines

#: The size limit, the same number the API uses (see ``policygraph.limits``).
MAX_BYTES = MAX_UPLOAD_BYTES
# pypdf logs a warning for every repair it attempts on a damaged file ("EOF marker not found", "incorrect
# startxref pointer"); with no handler configured Python prints them on stderr before our own one-line
# message. The file's fate is reported by InputError, so only pypdf's errors are worth a log line.
logging.getLogger("pypdf").setLevel(logging.ERROR)

# Bytes that never occur in text files; a share above this means the file is binary.
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13, 27)) + b"\x7f"
_MAX_CONTROL_SHARE = 0.01
# GB18030 maps almost any byte string to *something*; text in another encoding shows up as private-use chars.
_MAX_PRIVATE_USE_SHARE = 0.01
_NEWLINES = re.compile(r"\r\n?")

_SUFFIX_KIND = {".docx": "docx", ".html": "html", ".htm": "html", ".xhtml": "html", ".pdf": "pdf"}
_MARKDOWN_SUFFIXES = frozenset({".md", ".markdown", ".mdown", ".mkd"})
_LEGACY_SUFFIXES = {".doc": "Word 97-2003 (.doc)", ".wps": "WPS (.wps)", ".rtf": "RTF"}


@dataclass(frozen=True)
class Decoded:
    """A document's text as read from one file: the string every span of the plan tree points into."""

    text: str
    source_format: str
    path: str


def decode_file(path: str | Path, max_bytes: int = MAX_BYTES) -> Decoded:
    """Read and decode one document file, whatever its format.

    >>> decode_file("data/corpus/002_269a440a7ea9a2ad.txt").text[:10]
    '河北区2022年食品'
    """
    p = Path(path)
    name = str(path)
    try:  # stat, not exists(): a name over the system's limit raises instead of answering False
        info = p.stat()
    except FileNotFoundError:
        raise InputError(name, "file not found; check the path") from None
    except OSError as exc:
        raise InputError(name, f"cannot be opened ({exc.strerror or exc}); check the path") from None
    if not p.is_file():
        raise InputError(name, "not a regular file; give the path of one document file")
    size = info.st_size
    if size > max_bytes:
        raise TooLarge(name, f"file is {size:,} bytes, over the {max_bytes:,}-byte limit; split it")
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise InputError(name, f"cannot be read ({exc.strerror or exc}); check its permissions") from exc
    return decode_bytes(data, name, max_bytes=max_bytes)


def decode_bytes(data: bytes, name: str, max_bytes: int = MAX_BYTES) -> Decoded:
    """Decode an uploaded document; ``name`` gives the suffix that picks the format and names it in errors.

    The content's magic bytes win over a wrong suffix (a PDF saved as ``.txt`` is still read as a PDF).
    """
    if len(data) > max_bytes:
        raise TooLarge(name, f"file is {len(data):,} bytes, over the {max_bytes:,}-byte limit; split it")
    if not data.strip():
        raise InputError(name, "file is empty; give a document with text in it")
    kind = _kind(data, name)
    if kind == "docx":
        text, fmt = _docx_text(data, name), "docx"
    elif kind == "pdf":
        text, fmt = _pdf_text(data, name), "pdf"
    elif kind == "html":
        raw, _ = decode_text_bytes(data, name, declared=_declared_charset(data))
        text, fmt = _html_text(raw, name), "html"
    else:
        text, fmt = decode_text_bytes(data, name)
        if Path(name).suffix.lower() in _MARKDOWN_SUFFIXES:
            fmt = "markdown"  # the text as saved; its markup is found and deleted by the normaliser, spans kept
    text = clean_text(text)
    if all(ch.isspace() or ch in "\u200b\ufeff" for ch in text):
        raise InputError(name, "file holds no text (only whitespace); give a document with text in it")
    return Decoded(text=text, source_format=fmt, path=name)


def clean_text(text: str) -> str:
    """Drop a BOM and turn every line ending into ``"\\n"``, the two changes offsets must not depend on."""
    if text.startswith("\ufeff"):
        text = text[1:]
    return _NEWLINES.sub("\n", text)


def decode_text_bytes(data: bytes, name: str, declared: str | None = None) -> tuple[str, str]:
    """Decode plain-text bytes, returning the text and the encoding used.

    Order matters: a BOM is certain; strict UTF-8 almost never succeeds on other encodings; GB18030 is what
    Chinese government sites serve when they do not serve UTF-8; charset-normalizer guesses the rest.
    """
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(codec), codec
            except UnicodeDecodeError as exc:
                raise InputError(name, f"starts with a {codec} byte-order mark but is not valid {codec}; re-save it as UTF-8") from exc
    _reject_binary(data, name)
    candidates = dict.fromkeys(["utf-8"] + ([declared] if declared else []) + ["gb18030"])
    for codec in candidates:
        try:
            text = data.decode(codec)
        except (UnicodeDecodeError, LookupError):
            continue
        if codec != "utf-8" and _private_use_share(text) > _MAX_PRIVATE_USE_SHARE:
            continue
        return text, _codec_name(codec)
    best = from_bytes(data).best()
    if best is None:
        raise InputError(name, "text encoding not recognised; re-save the file as UTF-8")
    return str(best), _codec_name(best.encoding)


def _kind(data: bytes, name: str) -> str:
    """The format to read: magic bytes first, then the suffix; legacy binary formats are refused."""
    suffix = Path(name).suffix.lower()
    if suffix in _LEGACY_SUFFIXES or data.startswith(b"\xd0\xcf\x11\xe0"):
        label = _LEGACY_SUFFIXES.get(suffix, "legacy Office")
        raise InputError(name, f"{label} files are not supported; save it as .docx, .pdf or UTF-8 .txt")
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"PK\x03\x04") and (suffix == ".docx" or b"word/" in data[:4096]):
        return "docx"
    if suffix in _SUFFIX_KIND:
        return _SUFFIX_KIND[suffix]
    head = data[:1024].lstrip().lower()
    if suffix in ("", ".xml") and (head.startswith(b"<!doctype html") or head.startswith(b"<html")):
        return "html"
    return "text"


def _reject_binary(data: bytes, name: str) -> None:
    """Refuse bytes that are not text: any NUL, or more control bytes than text files ever hold."""
    if b"\x00" in data:
        raise InputError(name, "looks like a binary file (contains NUL bytes); give a .txt, .docx, .html or .pdf document")
    controls = len(data) - len(data.translate(None, _CONTROL_BYTES))
    if controls > max(2, _MAX_CONTROL_SHARE * len(data)):
        raise InputError(name, "looks like a binary file (many control bytes); give a .txt, .docx, .html or .pdf document")


def _private_use_share(text: str) -> float:
    if not text:
        return 0.0
    return sum(1 for ch in text if "\ue000" <= ch <= "\uf8ff") / len(text)


def _codec_name(codec: str) -> str:
    """Report codecs under one spelling: 'utf_8' and 'UTF8' are both 'utf-8'; GBK and GB2312 read as GB18030."""
    c = codec.lower().replace("_", "-")
    if c in ("utf8", "utf-8"):
        return "utf-8"
    if c in ("gbk", "gb2312", "cp936", "gb18030"):
        return "gb18030"
    return c


# What python-docx, lxml and pypdf raise on damaged input. They signal corruption through many built-in types
# (a truncated zip is BadZipFile, a missing part KeyError, a broken xref IndexError or TypeError), so the
# list is wide on purpose; it is caught only around the library call and always re-raised as InputError.
_LIBRARY_ERRORS: tuple[type[BaseException], ...] = (
    PackageNotFoundError, PyPdfError, etree.LxmlError, zipfile.BadZipFile, ValueError, KeyError, IndexError,
    TypeError, AttributeError, OSError, AssertionError, RecursionError,
)
_MIN_PDF_CHARS_PER_PAGE = 5
_HTML_WS = re.compile(r"[ \t\r\n\f]+")
_HTML_BLOCKS = frozenset(
    "p div li ul ol h1 h2 h3 h4 h5 h6 tr td th table thead tbody tfoot section article header footer blockquote "
    "pre dd dt dl hr main aside figure figcaption caption address center title".split()
)
_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.IGNORECASE)


def _docx_text(data: bytes, name: str) -> str:
    """Body paragraphs and table cells of a Word file, one per line, in document order."""
    _check_docx_expansion(data, name)
    try:
        document = docx.Document(io.BytesIO(data))
        lines: list[str] = []
        for child in document.element.body.iterchildren():
            tag = child.tag.rsplit("}", 1)[-1]
            if tag == "p":
                lines.append(Paragraph(child, document).text)
            elif tag == "tbl":
                lines.extend(_table_lines(Table(child, document)))
    except _LIBRARY_ERRORS as exc:
        raise InputError(name, "is not a readable .docx (damaged, or not a Word file); re-save it from Word or WPS") from exc
    return "\n".join(lines)


def _check_docx_expansion(data: bytes, name: str) -> None:
    """Refuse a zip bomb before anything is inflated: python-docx reads every part into memory.

    Only the central directory is read. Its declared sizes are a true bound, because zipfile stops inflating
    a member at its declared size (and fails its CRC if there was more), so a lying entry cannot expand further.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
        raise InputError(name, "is not a readable .docx (damaged, or not a Word file); re-save it from Word or WPS") from exc
    if len(parts) > MAX_DOCX_PARTS:
        raise TooLarge(name, f".docx holds {len(parts):,} parts, over the limit of {MAX_DOCX_PARTS:,}; "
                             "re-save it from Word or WPS")
    expanded = sum(part.file_size for part in parts)
    if expanded > MAX_DOCX_EXPANDED_BYTES:
        raise TooLarge(name, f".docx unzips to {expanded:,} bytes, over the {MAX_DOCX_EXPANDED_BYTES:,}-byte limit "
                             "(a zip bomb, or very large images); remove the images or save it as .txt")


def _table_lines(table: Table) -> list[str]:
    """A task-division table as plan lines (see ``tables``); any other table cell by cell, each cell's
    paragraphs on their own lines, a merged cell (which python-docx repeats) read once."""
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    as_plan = task_table_lines(rows)
    if as_plan is not None:
        return as_plan
    lines: list[str] = []
    seen: set[object] = set()  # the cell elements themselves: holding them keeps lxml proxies unique
    for row in table.rows:
        for cell in row.cells:
            if cell._tc in seen:
                continue
            seen.add(cell._tc)
            for block in cell.iter_inner_content():
                lines.extend(_table_lines(block) if isinstance(block, Table) else [block.text])
    return lines


def _pdf_text(data: bytes, name: str) -> str:
    """The text layer of a PDF, pages separated by a form feed (the pdftotext convention)."""
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise InputError(name, "PDF is password-protected; remove the password and try again")
        pages = [page.extract_text() or "" for page in reader.pages]
    except _LIBRARY_ERRORS as exc:
        raise InputError(name, "is not a readable PDF (damaged or truncated); export it again from its source") from exc
    chars = sum(1 for page in pages for ch in page if not ch.isspace())
    if chars < _MIN_PDF_CHARS_PER_PAGE * max(1, len(pages)):
        raise InputError(name, "PDF has no text layer (a scan); run OCR on it first, or supply the text version")
    return "\n\f".join(page.rstrip("\n") for page in pages)


def _declared_charset(data: bytes) -> str | None:
    """The charset a web page declares in its <meta>, widened to GB18030 for the GB family (pages lie low)."""
    match = _META_CHARSET.search(data[:4096])
    if not match:
        return None
    label = match.group(1).decode("ascii").lower()
    if label in ("gb2312", "gbk", "gb-2312", "x-gbk", "cp936"):
        return "gb18030"
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def _html_text(raw: str, name: str) -> str:
    """Visible text of a web page, one block element per line, from its main content area when obvious."""
    conf = _html_config()
    _check_html_depth(raw, name)
    tree = LexborHTMLParser(raw)
    title_node = tree.css_first("title")
    page_title = _HTML_WS.sub(" ", title_node.text(strip=True)) if title_node is not None else ""
    for tag in conf["drop_tags"]:
        for node in tree.css(tag):
            node.decompose()
    root: LexborNode | None = tree.body or tree.root
    if root is None:
        raise InputError(name, "web page has no body; save the page again or copy its text into a .txt file")
    total = len(root.text(strip=True))
    heading = ""
    for selector in conf["content_selectors"]:
        candidate = tree.css_first(selector)
        if candidate is not None and len(candidate.text(strip=True)) >= conf["min_share"] * total > 0:
            heading = _heading_outside(tree, candidate.text(strip=True), page_title)
            root = candidate
            break
    _rewrite_task_tables(root)
    lines = (line.strip(" ") for line in "".join(_block_parts(root)).split("\n"))
    return "\n".join([heading] * bool(heading) + [line for line in lines if line])


# A start or end tag; "[^<>]*" (not "[^>]*") keeps the scan linear on a stray "<a<a<a…" with no ">".
_TAG = re.compile(r"<(/?)([A-Za-z][^\s/<>]*)[^<>]*>")
_VOID_TAGS = frozenset("area base br col embed hr img input link meta param source track wbr".split())
# Elements whose end tag is optional: a new <p> or <li> closes the open one rather than nesting inside it.
_SELF_CLOSING_SIBLINGS = frozenset("p li dt dd tr td th option optgroup thead tbody tfoot rb rt rp".split())


def _check_html_depth(raw: str, name: str) -> None:
    """Refuse a page nested deeper than ``MAX_HTML_DEPTH`` before the HTML parser sees it.

    The parser's time grows with the square of the depth (200,000 nested <div>, 2 MB, took 112 s), so the
    depth is counted on the tags alone, in one pass: void tags and ``/>`` never open, an optional-end-tag
    element opened again closes the previous one, and an end tag closes back to its open element (a stray one
    is ignored). It counts a little deeper than a browser would for misnested markup, never shallower.
    """
    stack: list[str] = []
    open_count: dict[str, int] = {}
    for match in _TAG.finditer(raw):
        tag = match.group(2).lower()
        if match.group(1):  # an end tag
            if open_count.get(tag):
                while stack:
                    top = stack.pop()
                    open_count[top] -= 1
                    if top == tag:
                        break
            continue
        if tag in _VOID_TAGS or match.group(0).endswith("/>"):
            continue
        if tag in _SELF_CLOSING_SIBLINGS and tag in stack[-4:]:
            while stack:
                top = stack.pop()
                open_count[top] -= 1
                if top == tag:
                    break
        stack.append(tag)
        open_count[tag] = open_count.get(tag, 0) + 1
        if len(stack) > MAX_HTML_DEPTH:
            raise InputError(name, f"web page nests elements more than {MAX_HTML_DEPTH:,} deep (at character "
                                   f"{match.start():,}); save its text as .txt instead")


def _rewrite_task_tables(root: LexborNode) -> None:
    """Replace each task-division table by the plan lines it stands for (see ``tables``)."""
    for table in root.css("table"):
        rows = [[cell.text(strip=True) for cell in tr.css("td, th")] for tr in table.css("tr")]
        lines = task_table_lines(rows)
        if lines:
            block = "".join(f"<p>{html.escape(line)}</p>" for line in lines)
            replacement = LexborHTMLParser(f"<div>{block}</div>").css_first("div")
            if replacement is not None:
                table.replace_with(replacement)


def _heading_outside(tree: LexborHTMLParser, content: str, page_title: str) -> str:
    """The document's title when the content area left it out: government pages put it in an <h1> (or only
    in <title>, followed by the site name: "…工作要点的通知_某某市人民政府") above the article body.
    A banner such as <h1>某某市人民政府</h1> names no document and is not taken."""
    words = _html_config()["title_words"]
    for node in tree.css("h1, h2"):
        text = _HTML_WS.sub("", node.text(strip=True))
        if text and text not in content and any(word in text for word in words):
            return text
    title = re.split(r"\s*[_|｜]\s*|\s+-\s+", page_title)[0].strip()
    names_a_document = any(word in title for word in words)
    return title if names_a_document and title.replace(" ", "") not in content else ""


def _block_parts(root: LexborNode) -> list[str]:
    """Text pieces with a newline around each block element and at each <br>; an explicit stack, so
    deeply nested markup cannot exhaust Python's recursion limit."""
    parts: list[str] = []
    stack: list[LexborNode | str] = [root]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            parts.append(item)
        elif item.is_text_node:
            parts.append(_HTML_WS.sub(" ", item.text_content or ""))
        elif item.tag == "br":
            parts.append("\n")
        elif item.is_element_node or item is root:
            children = list(item.iter(include_text=True))
            if item.tag in _HTML_BLOCKS:
                stack.append("\n")
                stack.extend(reversed(children))
                stack.append("\n")
            else:
                stack.extend(reversed(children))
    return parts


@lru_cache(maxsize=1)
def _html_config() -> dict[str, Any]:
    with resources.files("policygraph").joinpath("data/debris.toml").open("rb") as fh:
        html: dict[str, Any] = tomllib.load(fh)["html"]
    return html


#: File suffixes ``policygraph load`` picks up when it walks a folder.
SUPPORTED_SUFFIXES = frozenset({".txt"} | set(_SUFFIX_KIND))  # not .md: folders hold READMEs
