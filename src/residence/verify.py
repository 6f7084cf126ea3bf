# SPDX-License-Identifier: EUPL-1.2
"""Former home of ``residence verify``: it lives in ``residence.archive`` now (kept for imports)."""

from __future__ import annotations

from residence.archive.bag import bag_edition
from residence.archive.unpack import open_bag
from residence.archive.verify import Verification, verify_archive, verify_bag

__all__ = ["Verification", "bag_edition", "open_bag", "verify_archive", "verify_bag"]
