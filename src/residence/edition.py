# SPDX-License-Identifier: EUPL-1.2
"""Moved to :mod:`residence.gate` (the privacy gate); removed once every importer follows."""

from residence.gate import *  # noqa: F403
from residence.gate import __all__ as __all__
