# SPDX-License-Identifier: EUPL-1.2
"""`residence add`, `residence set` and `residence tag`: build one item, choose where it
goes, check it in context, write it safely.

New journal entries, prototypes, scenarios, methods and insights become new files that never replace
an existing one. Actors and relations go into ``actors.yaml``, team members and follow-up
visits into ``residence.yaml``, consent records into ``private/consent.yaml``, test
sessions into their prototype's file, quotes and photos into their entry's (a photo's file
is copied into ``media/``): the new item is inserted as text at the end of its list, so
every byte the team wrote (comments, blank lines, key order, quotes) stays as it was; the
result is then read back to prove it holds the old items plus the new one. A handover is
added as one key of its prototype; ``residence set`` changes one value in place (a
prototype's stage, an entry's day, which also renames the entry's file), and ``residence
tag`` the list of codes of an entry or of one of its quotes. Before anything is
written, the new item is checked in the context of the whole residency with
``load_residency`` and ``check_residency``, exactly as ``residence check`` would. Files
are written under the residency's lock, so that two adds at the same moment never lose
one. Nothing here prints or asks: the CLI runs the editor and talks to the user.

- ``kinds``: what can be added, where each kind goes, the residency it joins (``Context``);
- ``values``: the item made from command-line values, its id, their problems;
- ``media``: the file a photo copies into ``media/``, under a clean name, never over another;
- ``evidence``: entries and evidence as typed (``ENTRY#N``, ``prototype:ID#N``, a day…);
- ``tagging``: `residence tag`, the codes of an entry or of one of its quotes;
- ``templates``: what the editor shows, and what is kept of a draft;
- ``drafts``: drafts in ``.residence/drafts/``, the plan made from one, the editor to run;
- ``plans``: the checked new text of a file (``Plan``);
- ``writing``: writing a plan under the residency's lock, never over a change made meanwhile.

The YAML text itself (quoting, insertion into a list) is ``residence.yamltext``.
"""

from __future__ import annotations

from residence.add.drafts import (
    DRAFTS,
    DraftAbandoned,
    draft_path,
    editor_command,
    is_interactive,
    plan_from_draft,
    start_draft,
)
from residence.add.kinds import ADDED, KINDS, MARKDOWN_FIELDS, Context, Kind, load_context
from residence.add.plans import Plan, plan_from_data
from residence.add.templates import clean_draft, indent_text_block, render_template
from residence.add.values import (
    build_item,
    check_values,
    free_id,
    given_values,
    needs_editor,
    normalise_text,
    parse_day,
    slug,
    suggest,
    taken_ids,
)
from residence.add.writing import write_plan
from residence.yamltext import Insertion, insert_item, plain

__all__ = [
    "ADDED",
    "DRAFTS",
    "KINDS",
    "MARKDOWN_FIELDS",
    "Context",
    "DraftAbandoned",
    "Insertion",
    "Kind",
    "Plan",
    "build_item",
    "check_values",
    "clean_draft",
    "draft_path",
    "editor_command",
    "free_id",
    "given_values",
    "indent_text_block",
    "insert_item",
    "is_interactive",
    "load_context",
    "needs_editor",
    "normalise_text",
    "parse_day",
    "plain",
    "plan_from_data",
    "plan_from_draft",
    "render_template",
    "slug",
    "start_draft",
    "suggest",
    "taken_ids",
    "write_plan",
]
