"""Responsibility statements outside brackets: leading clauses and agency headings.

Besides the bracket that closes a unit (see ``agencies.parse_responsibility``), plans name who does a
task in two other places, and the structure code asks this module about both:

* a clause that opens the unit: "由省经贸委负责，省公安厅、省卫生厅配合，加快…", "由省经贸委承办，省农业厅、
  卫生厅协办。", "省市场监管局牵头推动…，省教育厅、省公安厅等部门依职责分工落实监管责任";
* the heading of a per-agency list, a line that is nothing but a body's name: "区市场监管局",
  "一、市农业农村委", "上海市区级人民政府".

Both are read strictly: every name must be a body the vocabulary knows (a generic 教育部门 or 各级政府 is
a sentence's subject, not a body), because a false statement would give a unit bodies it does not have.

>>> from policygraph.loaders.model import Jurisdiction
>>> fujian = Jurisdiction(name="福建省", level="province")
>>> refs, end = parse_leading_clause("由省经贸委负责，省公安厅配合，加快建设。", 0, fujian) or ([], 0)
>>> [(a.as_written, a.role) for a in refs], end
([('省经贸委', 'responsible'), ('省公安厅', 'support')], 14)
"""
from __future__ import annotations

import re

from policygraph.loaders.agencies import _parse
from policygraph.loaders.agency_vocab import Vocabulary, vocabulary
from policygraph.loaders.model import AgencyRef, Jurisdiction, Role

#: The names before a role word in a leading clause are a short list, not a sentence.
MAX_NAMES = 160
#: After 牵头/负责 a clause may go on with its verb (牵头推动加强…) up to the next comma.
MAX_TAIL = 80
#: A heading line naming bodies is short.
MAX_HEADING = 60
_CLAUSE_END = "，,；;。"
_NAMES_STOP = "，,；;。：:！？!?“”《》\n"
_NUMBERING = re.compile(
    r"^(?:第[一二三四五六七八九十百零\d]+[条章节部分]|[一二三四五六七八九十百]+[、．.]|[（(][一二三四五六七八九十百\d]+[）)]"
    r"|\d+[、．.)）])\s*")
_MARKUP = "#*＊ \t\u3000"


def parse_leading_clause(text: str, base: int, plan: Jurisdiction) -> tuple[list[AgencyRef], int] | None:
    """The bodies named by a clause that opens ``text``, and the offset just after its last role word.

    ``text`` starts where the unit's own words start (after its number); spans and the returned offset
    are ``base +`` offsets into ``text``. Each part of the clause is a list of known bodies ended by a
    role word (负责, 牵头, 承办, 配合, 协办, 依职责分工 …), parts separated by a comma; a part may go on
    with its verb (牵头推动加强…工作，) before the next one. Returns None when ``text`` does not open
    with such a part: an ordinary sentence, a generic subject (教育部门负责), a body merely mentioned.
    """
    vocab = vocabulary()
    pos = _skip_opening(text, vocab)
    refs: list[AgencyRef] = []
    end: int | None = None
    while pos < len(text):
        found = _role_end(text, pos, vocab)
        if found is None or (not refs and found[1] == "support"):
            break  # a clause opens with the body that leads or carries the task, not a helper
        role = found[0]
        got = _parse(text[pos:role], base + pos, plan, strict=True)
        if not got:
            break
        refs.extend(got)
        end = role
        after = _next_part(text, role)
        if after is None:
            break
        pos = after
    if not refs or end is None:
        return None
    return refs, base + end


def parse_agency_heading(line: str, base: int, plan: Jurisdiction) -> list[AgencyRef] | None:
    """The bodies a heading line names when the line is nothing but their names, role responsible.

    A per-agency list puts each body's tasks under a line of its own ("区市场监管局", "一、市农业农村委",
    "**上海市区级人民政府**"). Numbering, Markdown emphasis and a closing colon are allowed around the
    names; any other word (加强组织领导, 市场监管 without 局) makes it an ordinary heading: None.
    """
    vocab = vocabulary()
    start, stop = 0, len(line)
    while start < stop and line[start] in _MARKUP:
        start += 1
    m = _NUMBERING.match(line[start:stop])
    if m is not None:
        start += m.end()
    while stop > start and (line[stop - 1] in _MARKUP or line[stop - 1] in "：:\r\n"):
        stop -= 1
    inner = line[start:stop]
    if not inner or len(inner) > MAX_HEADING or not _ends_like_body(inner, vocab) \
            or any(ch in inner for ch in _NAMES_STOP) \
            or any(word in inner for word, _ in vocab.roles):
        return None
    got = _parse(inner, base + start, plan, strict=True)
    if not got or not all(_ends_like_body(a.as_written, vocab) for a in got):
        return None
    return [a.model_copy(update={"role": "responsible"}) for a in got]


def _skip_opening(text: str, vocab: Vocabulary) -> int:
    """Skip blanks, a scope phrase (省级层面，) and 由, which open a clause without naming a body."""
    leading = vocab.syntax.get("leading", {})
    pos = len(text) - len(text.lstrip())
    for phrase in leading.get("openers", ()):
        if text.startswith(phrase, pos) and text[pos + len(phrase): pos + len(phrase) + 1] in ("，", ","):
            pos += len(phrase) + 1
            break
    for word in leading.get("by", ()):
        if text.startswith(word, pos):
            pos += len(word)
            break
    return pos


def _role_end(text: str, pos: int, vocab: Vocabulary) -> tuple[int, Role] | None:
    """End and role of the first role word after ``pos``, if the names before it are a short list."""
    leading = vocab.syntax.get("leading", {})
    not_after = tuple(leading.get("not_after_role", ()))
    not_roles = tuple(leading.get("not_roles", ()))
    starts = {word[0] for word, _ in vocab.roles}
    for i in range(pos + 1, min(len(text), pos + MAX_NAMES)):
        if text[i - 1] in _NAMES_STOP:
            return None
        if text[i] not in starts:
            continue
        for word, role in vocab.roles:
            if text.startswith(word, i) and not text.startswith(not_after, i + len(word)):
                return None if word in not_roles else (i + len(word), role)
    return None


def _next_part(text: str, role_end: int) -> int | None:
    """Where the next part may start: after the comma that follows the role word or its verb."""
    for i in range(role_end, min(len(text), role_end + MAX_TAIL)):
        if text[i] == "。":
            return None
        if text[i] in _CLAUSE_END:
            return i + 1
    return None


def _ends_like_body(written: str, vocab: Vocabulary) -> bool:
    return written.endswith(tuple(vocab.syntax["body_endings"])) or written.endswith(
        tuple(vocab.syntax["generic_endings"]))
