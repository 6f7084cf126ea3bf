# SPDX-License-Identifier: EUPL-1.2
"""The one build time of every output: SOURCE_DATE_EPOCH when set, so that builds reproduce."""

from __future__ import annotations

import datetime as dt
import os

from residence.errors import ResidenceError


def build_time() -> dt.datetime:
    """Return the time outputs are made: SOURCE_DATE_EPOCH when set (UTC), else now (UTC)."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not value:
        return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    try:
        return dt.datetime.fromtimestamp(int(value), dt.timezone.utc)
    except (ValueError, OverflowError, OSError):
        raise ResidenceError(
            f"SOURCE_DATE_EPOCH='{value}' is not a date: it should be a whole number of "
            "seconds since 1970-01-01 (for example the output of: git log -1 --format=%ct)",
            usage=True,
        ) from None
