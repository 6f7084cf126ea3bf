"""Pausing Python's cycle collector (``gc``) around work that makes many objects, few cycles.

Loading a residency (YAML nodes, values, models) and laying out a PDF (WeasyPrint's styles,
boxes and drawing operators) each make millions of objects that are freed by reference
counting, not by the cycle collector. The collector scans them anyway, again and again as
they pile up: a third of the loading time, a tenth of a PDF's. Both pause it.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def no_cycle_collection() -> Iterator[None]:
    """Pause the cycle collector inside the block; resume it after (even on an error).

    Afterwards, freeze + unfreeze moves what the block kept to the oldest generation at
    once, so that the next collections do not scan it either. The few cycles made inside
    (their memory: a few percent of a PDF's peak) wait for the next collection. Nested or
    with the collector already off, it leaves things as they are.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.unfreeze()
        gc.enable()
