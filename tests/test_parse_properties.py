"""On arbitrary text the parser raises nothing but its own InputError, and every span maps into the text."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policygraph.errors import InputError
from policygraph.loaders.decoding import Decoded
from policygraph.loaders.parse import parse_decoded

# Text built from the pieces real plans are made of, so the parser's deeper paths are reached, not only
# the "no structure" error.
PIECES = st.sampled_from([
    "一、", "二、", "（一）", "（二）", "1.", "2.", "3、", "（1）", "①", "\n", "\n\n", "。", "，", "；",
    "（区市场监管局牵头，区卫健委配合）", "（县农业农村局负责）", "（园长）", "（", "）", "《食品安全法》", "《",
    "到2020年，合格率达到98%以上", "新建40家", "XX县2024年食品安全工作要点", "河北省", "加强食品安全监管",
    " ", "\u3000", "１．", "（上接第一版）",
])
TEXTS = st.one_of(st.text(max_size=300), st.lists(st.one_of(PIECES, st.text(max_size=8)), max_size=60).map("".join))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXTS)
def test_parser_never_raises_anything_but_input_error_and_spans_fit(text: str) -> None:
    try:
        tree = parse_decoded(Decoded(text=text, source_format="utf-8", path="fuzz.txt"))
    except InputError as exc:
        assert exc.path == "fuzz.txt"
        return
    n = len(text)
    ids = {m.id for m in tree.measures}
    for m in tree.measures:
        assert 0 <= m.span[0] <= m.span[1] <= n
        assert m.parent_id is None or m.parent_id in ids
        for x in [*m.agencies, *m.indicators, *m.citations]:
            assert 0 <= x.span[0] <= x.span[1] <= n
