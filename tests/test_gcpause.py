"""The pause of the cycle collector that loading and the PDF layout share."""

from __future__ import annotations

import gc

import pytest

from residence.gcpause import no_cycle_collection


def test_no_cycle_collection_pauses_the_collector_and_resumes_it_even_on_error() -> None:
    assert gc.isenabled()
    with no_cycle_collection():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(ValueError), no_cycle_collection():
        raise ValueError("boom")
    assert gc.isenabled()


def test_no_cycle_collection_leaves_a_paused_collector_paused() -> None:
    gc.disable()
    try:
        with no_cycle_collection():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_cycles_made_inside_are_collected_afterwards() -> None:
    class Node:
        pass

    with no_cycle_collection():
        node = Node()
        node.self = node  # type: ignore[attr-defined]
        del node
    gc.collect()
    assert not any(type(o) is Node for o in gc.get_objects())
