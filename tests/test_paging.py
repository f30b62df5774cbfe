"""Keyed pages of list answers (``Listing.page``): a cursor names the last item shown, so the next page starts
right after it even when the list changed in between — an offset skips or repeats items then."""
from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel

from policygraph.queries.models import CURSOR_PATTERN, Listing


class Row(BaseModel):
    id: int


def listing(ids: list[int]) -> Listing:
    return Listing(items=[Row(id=i) for i in ids], total=len(ids))


def test_pages_walk_the_whole_list_once() -> None:
    whole = listing(list(range(23)))
    seen, cursor = [], None
    while True:
        page = whole.page(cursor, 5)
        seen += [r.id for r in page.items]
        assert page.total == 23
        cursor = page.next_cursor
        if cursor is None:
            break
        assert __import__("re").fullmatch(CURSOR_PATTERN, cursor)
    assert seen == list(range(23))
    assert whole.page(None, None).items == whole.items and whole.page(None, None).next_cursor is None


@given(st.lists(st.integers(0, 10**6), min_size=2, max_size=40, unique=True), st.data())
def test_the_next_page_starts_after_the_last_item_shown_whatever_changed_before_it(ids: list[int],
                                                                                  data: st.DataObject) -> None:
    size = data.draw(st.integers(1, len(ids) - 1))
    first = listing(ids).page(None, size)
    assert first.next_cursor is not None
    last = first.items[-1].id
    # Meanwhile items are added and removed before the cursor (never the last one shown).
    before = ids[: ids.index(last)]
    removed = set(data.draw(st.lists(st.sampled_from(before), unique=True))) if before else set()
    added = data.draw(st.lists(st.integers(-1000, -1), unique=True, max_size=5))
    changed = added + [i for i in ids if i not in removed]
    second = listing(changed).page(first.next_cursor, 1000)
    assert [r.id for r in second.items] == ids[ids.index(last) + 1:]


def test_a_cursor_whose_item_is_gone_starts_at_its_position() -> None:
    first = listing([1, 2, 3, 4, 5, 6]).page(None, 3)
    assert listing([1, 2, 4, 5, 6]).page(first.next_cursor, 10).items == [Row(id=i) for i in (4, 5, 6)]
    assert listing([1]).page(first.next_cursor, 10).items == []


def test_a_plain_offset_is_still_read() -> None:
    assert [r.id for r in listing(list(range(10))).page("7", 5).items] == [7, 8, 9]
