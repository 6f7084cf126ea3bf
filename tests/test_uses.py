"""Where a method was used: the short list of a card or sheet, and the count of the rest."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from residence.i18n import translator
from residence.render.uses import ENTRIES_SHOWN, more_entries, shortlist


@given(st.lists(st.booleans(), max_size=60), st.integers(min_value=1, max_value=20))
def test_shortlist_keeps_the_chosen_first_in_order_and_counts_the_rest(
    chosen: list[bool], limit: int
) -> None:
    items = list(enumerate(chosen))
    kept, left_out = shortlist(items, lambda item: item[1], limit)
    assert len(kept) == min(len(items), limit)
    assert len(kept) + left_out == len(items)
    assert kept == sorted(kept)  # the entries' own order
    picked = [item for item in items if item[1]]
    assert [item for item in kept if item[1]] == picked[:limit]
    if len(picked) < limit:  # then the earliest of the others fill the list
        others = [item for item in items if not item[1]]
        assert [item for item in kept if not item[1]] == others[: len(kept) - len(picked)]


def test_shortlist_keeps_a_short_list_whole() -> None:
    items = list(range(ENTRIES_SHOWN))
    assert shortlist(items, lambda n: n == 5) == (items, 0)


def test_more_entries_speaks_the_report_language() -> None:
    assert more_entries(translator("fr"), 0) == ""
    assert more_entries(translator("fr"), 1) == "1 autre entrée du journal"
    assert more_entries(translator("fr"), 1488) == "1\u202f488 autres entrées du journal"
    assert more_entries(translator("en"), 1488) == "1,488 more journal entries"
    assert more_entries(translator("fr", "methods"), 2) == "2 autres entrées du journal"
