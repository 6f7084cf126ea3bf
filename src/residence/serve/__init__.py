# SPDX-License-Identifier: EUPL-1.2
"""`residence serve`: the report of a residency, served on this machine and rebuilt at each
save; the open page reloads by itself, and shows the errors instead while there are some.

The parts: ``live`` (the residency kept loaded, a changed file read again alone),
``watch`` (the folder watched with watchfiles), ``pages`` (the page of errors, the
refusals, the script that reloads), ``http`` (the standard library's server: who may ask,
what may be served) and ``preview`` (all of them together: :func:`open_preview`). Nothing
here prints: :class:`Built` says what each build made, for the command line to word.
"""

from residence.serve.preview import EDITIONS, Built, Preview, open_preview

__all__ = ["EDITIONS", "Built", "Preview", "open_preview"]
