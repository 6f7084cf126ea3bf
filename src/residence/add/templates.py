# SPDX-License-Identifier: EUPL-1.2
"""What the user sees in their editor when adding: the commented template, and what is kept of it.

The template explains every field with its description from the ``fields`` catalogue (the
same comments as in the files `residence new` writes); this module's own lines are English
source strings, translated through the ``add`` catalogue.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from residence.add.kinds import KINDS, MARKDOWN_FIELDS, Context, Kind, field_info
from residence.i18n import Translator, translator
from residence.models import Model
from residence.yamltext import comment, emit_lines

#: "a new {what}", one line a kind, so that each language can give it its own grammar.
_A_NEW = {
    "journal entry": "a new journal entry",
    "actor": "a new actor",
    "relation": "a new relation",
    "prototype": "a new prototype",
    "test session": "a new test session",
    "scenario": "a new scenario",
    "method sheet": "a new method sheet",
    "team member": "a new team member",
    "consent record": "a new consent record",
    "quote": "a new quote",
    "photo": "a new photo",
    "insight": "a new insight",
    "handover": "a handover",
    "follow-up visit": "a new follow-up visit",
}
#: The first line of a new file, by kind.
_HEADERS = {
    "note": "Journal entry",
    "prototype": "Prototype",
    "scenario": "Usage scenario",
    "method": "Method sheet",
    "insight": "Insight",
}


def _tr(language: str) -> Translator:
    """Return the translator of this module's own lines."""
    return translator(language, "add")


def _comment(text: str) -> list[str]:
    """Return text as wrapped YAML comment lines, as in the files `residence new` writes."""
    return comment(text).split("\n")


def _describe(spec: Kind, key: str, language: str) -> str:
    """Return a field's comment: its translated description and whether it is required."""
    from residence.scaffold import OPTIONAL, REQUIRED, describe_field

    model: type[Model] = spec.item_model
    if key not in {info.alias or name for name, info in model.model_fields.items()}:
        # A key of the draft only (where the item goes): described here, not in fields.po.
        info = field_info(spec.model, key)
        needed = info.is_required() or key in spec.also_required
        label = translator(language, "fields").gettext(REQUIRED if needed else OPTIONAL)
        return f"{_tr(language).gettext(info.description)} {label}"
    text = describe_field(model.__name__, key, language)
    if key in spec.also_required:  # optional in the format, required by the command
        fields = translator(language, "fields")
        text = text.removesuffix(" " + fields.gettext(OPTIONAL)) + " " + fields.gettext(REQUIRED)
    return text


def _evidence_placeholder(language: str) -> list[str]:
    """Return the commented-out evidence of an insight: an entry's quote, a prototype's
    test, each key explained."""
    from residence.scaffold import describe_field

    lines = ["# evidence:"]
    for first, second in (("entry", "quote"), ("prototype", "test")):
        lines += _comment_in(describe_field("Evidence", first, language), "#   ")
        lines.append(f"#   - {first}: ")
        lines += _comment_in(describe_field("Evidence", second, language), "#     ")
        lines.append(f"#     {second}: ")
    return lines


def _comment_in(text: str, prefix: str) -> list[str]:
    """Return a comment inside a commented-out block (each line starting with ``prefix``)."""
    return (prefix + comment(text, prefix=prefix)).split("\n")


def _placeholder(spec: Kind, key: str, language: str = "en") -> list[str]:
    """Return the commented-out lines of an optional field that was not given."""
    info = field_info(spec.model, key)
    annotation = str(info.annotation)
    if key in MARKDOWN_FIELDS:
        return [f"# {key}: |", "#   "]
    if key == "media":
        return [
            "# media:",
            "#   - file: media/",
            "#     alt: ",
            "#     caption: ",
            "#     credit: ",
            "#     people: []",
        ]
    if key == "tests":
        return ["# tests:", "#   - date: ", "#     decision: ", "#     observations: |", "#       "]
    if key == "handover":
        return ["# handover:", "#   to: []", "#   date: ", "#   conditions: |", "#     "]
    if key == "evidence":
        return _evidence_placeholder(language)
    if key == "quotes":
        return ["# quotes:", "#   - actor: ", "#     text: ", "#     visibility: team"]
    if "list" in annotation:
        return [f"# {key}: []"]
    if key == "time":
        return ['# time: "09:30"']
    if "bool" in annotation:
        return [f"# {key}: false"]
    return [f"# {key}: "]


def _empty_required(spec: Kind, key: str) -> list[str]:
    """Return the lines of a required field that was not given, ready to be filled in."""
    info = field_info(spec.model, key)
    if key in MARKDOWN_FIELDS:
        return [f"{key}: |", "  "]
    if "list" in str(info.annotation):
        # Ids fit on one line; sentences (the steps of a method) are one per line.
        return [f"{key}: []"] if key in spec.refs or key == "authors" else [f"{key}:", "  - "]
    if key in spec.also_required or key in spec.parents:
        return [f"{key}: "]
    return [f"{key}: "]


def render_template(ctx: Context, kind: str, data: Mapping[str, Any]) -> str:
    """Return the commented YAML the editor opens: every field explained, flags filled in."""
    spec = KINDS[kind]
    tr = _tr(ctx.language)
    lines = _comment(
        tr.gettext("residence add {kind}: {a_new}.", kind=kind, a_new=tr.gettext(_A_NEW[spec.what]))
    )
    lines += _comment(
        tr.gettext(
            "Fill in the fields, save, then close the editor. The {what} is checked as "
            "'residence check' would before it is added; if something is wrong, nothing is "
            "written and this draft is kept.",
            what=spec.what,
        )
    )
    lines += _comment(
        tr.gettext(
            "Lines starting with # are comments: to fill in an optional field, remove the # "
            "in front of it. To give up, empty the file and save."
        )
    )
    if spec.text in MARKDOWN_FIELDS:
        lines += _comment(
            tr.gettext("Write the text under '{key}: |', indented by two spaces.", key=spec.text)
        )
    lines.append("")
    required = set(spec.required)
    for key in spec.order:
        lines += _comment(_describe(spec, key, ctx.language))
        ref = spec.refs.get(key) or ("entry" if key == "evidence" else None)
        if ref:
            known = sorted(ctx.ids(ref))
            if known:  # every one of them: an id cut from the list could not be found
                lines += _comment(tr.gettext("Known: {ids}", ids=", ".join(known)))
        if key in data:
            lines += emit_lines({key: data[key]}, literal=MARKDOWN_FIELDS)
        elif key in required or key == spec.text or key in spec.parents:
            # the text is what the editor is for; where the item goes must be said
            lines += _empty_required(spec, key)
        else:
            lines += _placeholder(spec, key, ctx.language)
    return "\n".join(lines) + "\n"


def consent_file_header(language: str, rel: str, root: Path) -> str:
    """Return the start of a new ``private/consent.yaml``, as `residence new` writes it:
    the comments that explain it, then ``consents:`` (its example record left out)."""
    import datetime as dt

    from residence.scaffold import scaffold_environment, schema_comment
    from residence.schema import SCHEMA_FILES

    schema = ""
    if (root / "schemas" / SCHEMA_FILES["consent"]).is_file():
        schema = schema_comment(rel, "consent")
    text = (
        scaffold_environment(language)
        .get_template(f"{language}/consent.yaml.j2")
        .render(schema_comment=schema, day=lambda _offset: dt.date.today().isoformat())
    )
    head, found, _ = text.partition("\nconsents:\n")
    return (head + found if found else "consents:\n").lstrip("\n")


def file_header(kind: str, language: str, rel: str, root: Path) -> str:
    """Return the first lines of a new file: its JSON Schema (if the folder has them), its kind."""
    from residence.scaffold import schema_comment
    from residence.schema import SCHEMA_FILES

    lines = []
    schema = KINDS[kind].home.name
    if (root / "schemas" / SCHEMA_FILES[schema]).is_file():
        lines.append(schema_comment(rel, schema))
    tr = _tr(language)
    lines.append(
        f"# {tr.gettext(_HEADERS[kind])} — {tr.gettext('see the format reference (docs/)')}"
    )
    return "\n".join(lines) + "\n"


# -- what is kept of a draft ---------------------------------------------------------------


def _template_lines(template: str) -> set[str]:
    """Return the comment lines of a template (they are left out of the file written)."""
    return {line.rstrip() for line in template.splitlines() if line.startswith("#")}


def clean_draft(text: str, template: str | None) -> str:
    """Return a draft without the template's comment lines the user left untouched."""
    if not template:
        return text
    ours = _template_lines(template)
    kept = [line for line in text.splitlines() if line.rstrip() not in ours]
    while kept and not kept[0].strip():
        kept.pop(0)
    return "\n".join(kept) + "\n" if kept else ""


def indent_text_block(text: str, key: str) -> str | None:
    """Return the draft with the lines after ``key: |`` indented, if some were not.

    Tired people type the text of an entry at the start of the line; since that text is the
    last field of the template, indenting what follows it is what they meant.
    """
    lines = text.split("\n")
    head = re.compile(rf"^{re.escape(key)}:\s*\|[-+0-9]*\s*(#.*)?$")
    at = max((i for i, line in enumerate(lines) if head.match(line)), default=-1)
    if at < 0:
        return None
    rest = lines[at + 1 :]
    if not any(line.strip() and not line.startswith("  ") for line in rest):
        return None
    fixed = [("  " + line if line.strip() and not line.startswith("  ") else line) for line in rest]
    return "\n".join([*lines[: at + 1], *fixed])
