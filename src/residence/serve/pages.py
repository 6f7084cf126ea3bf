# SPDX-License-Identifier: EUPL-1.2
"""What the preview serves besides the report: the page of errors, the refusals, the script.

The report served is the string ``render_html`` made, with one ``<script src>`` added
(:func:`with_live_script`): the files ``residence render`` writes never hold a script. The
script (:data:`LIVE_SCRIPT`, served from :data:`LIVE_PATH`, so that a Content-Security-Policy
without inline scripts allows it) listens to :data:`EVENTS_PATH` (server-sent events) and
reloads the page when the build it shows is no longer the last one.

The pages here speak the language of the messages (the terminal's, as ``check``), and list
problems as ``check`` prints them: ``path:line:column: severity: message``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from html import escape

from residence.controlchars import BIDI, CONTROLS
from residence.errors import Problem
from residence.i18n import current_language, messages

_ = messages("serve")

#: Where the page listens for new builds (server-sent events).
EVENTS_PATH = "/__residence/events"
#: Where the page's script is served (it is never in a file written by `residence render`).
LIVE_PATH = "/__residence/live.js"

#: The page's script: wait for a "reload" event whose build is not the page's, then reload.
#: EventSource reconnects by itself (after the "retry" the server gives), and the server
#: says its last build again on each connection: a build made meanwhile is not missed.
LIVE_SCRIPT = """\
"use strict";
(function () {
  var me = document.currentScript;
  var shown = me ? me.getAttribute("data-build") : null;
  var events = new EventSource("EVENTS");
  events.addEventListener("reload", function (event) {
    if (event.data !== shown) {
      events.close();
      window.location.reload();
    }
  });
})();
""".replace("EVENTS", EVENTS_PATH)

_BODY_END = re.compile(rb"</body\s*>", re.IGNORECASE)
#: Where the end of a page's body is looked for first: its last bytes (a report weighs MBs).
_TAIL = 1 << 16
#: What a page must show, not obey: control characters and bidi controls (as the terminal).
_UNSEEN = re.compile(f"[{CONTROLS}{BIDI}]")

_STYLE = """\
body { font: 1.05rem/1.5 system-ui, sans-serif; color: #1a1a1a; background: #fff;
  margin: 0; padding: 2rem 1rem; }
main { max-width: 60rem; margin: 0 auto; }
h1 { font-size: 1.6rem; margin: 0 0 .5rem; }
h2 { font-size: 1.2rem; margin: 1.5rem 0 .5rem; }
ul { padding: 0; list-style: none; }
li { margin: 0 0 .6rem; padding: .5rem .75rem; border-left: 4px solid #a61b1b;
  background: #fbf1f1; overflow-wrap: anywhere; }
li.warning { border-color: #8a5a00; background: #fbf6ea; }
code { font: .95rem/1.4 ui-monospace, monospace; }
"""


def live_script_tag(build: int) -> str:
    """Return the tag that adds the live script to a page showing build ``build``."""
    return f'<script src="{LIVE_PATH}" data-build="{build}" defer></script>'


def with_live_script(page: bytes, build: int) -> bytes:
    """Return a page (UTF-8) with the live script added before its last ``</body>`` (or at
    its end)."""
    tag = live_script_tag(build).encode("ascii")
    ends = list(_BODY_END.finditer(page, max(0, len(page) - _TAIL))) or list(
        _BODY_END.finditer(page)
    )
    if not ends:
        return page + b"\n" + tag + b"\n"
    at = ends[-1].start()
    return page[:at] + tag + b"\n" + page[at:]


def _shown(text: str) -> str:
    """Return text escaped for HTML, its control and bidi characters written as escapes."""

    def unseen(match: re.Match[str]) -> str:
        code = ord(match.group())
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"

    return escape(_UNSEEN.sub(unseen, text))


def _page(title: str, body: str, build: int | None) -> str:
    script = f"\n{live_script_tag(build)}" if build is not None else ""
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{current_language()}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="robots" content="noindex, nofollow">\n'
        f"<title>{escape(title)}</title>\n<style>\n{_STYLE}</style>\n</head>\n<body>\n"
        f"<main>\n{body}</main>{script}\n</body>\n</html>\n"
    )


def _problem_item(problem: Problem) -> str:
    where = ":".join(str(p) for p in (problem.path, problem.line, problem.column) if p is not None)
    text = f"{problem.severity}: {problem.message}"
    if where:
        return f'<li class="{problem.severity}"><code>{_shown(where)}</code>: {_shown(text)}</li>\n'
    return f'<li class="{problem.severity}">{_shown(text)}</li>\n'


def error_page(
    problems: Sequence[Problem], build: int, *, rendering: bool = False, detailed: bool = True
) -> str:
    """Return the page shown instead of the report while the residency has errors (or,
    with ``rendering``, while the report cannot be made): every problem, errors first.

    Without ``detailed`` (a public edition open to the network), the page only says how
    many there are: a message quotes the team's files as they are (a file name, an id, a
    value), before the privacy gate, and the public edition's readers must not read them.
    """
    errors = [p for p in problems if p.severity == "error"]
    warnings = [p for p in problems if p.severity != "error"]
    if rendering:
        heading = _("The report could not be made")
    else:
        heading = _.plural(
            "The residency has {n} error", "The residency has {n} errors", len(errors)
        )
    body = [
        f"<h1>{escape(heading)}</h1>\n",
        "<p>"
        + escape(
            _(
                "Fix them in your files and save: this page shows the report again by itself "
                "as soon as they are fixed."
            )
        )
        + "</p>\n",
    ]
    if not detailed:
        text = _(
            "This preview is open to the network: the problems are listed where residence "
            "serve runs, and by residence check, not here (their messages quote the files "
            "as the team wrote them)."
        )
        body.append(f"<p>{escape(text)}</p>\n")
        return _page(heading, "".join(body), build)
    if errors:
        body.append(f"<h2>{escape(_('Errors'))}</h2>\n<ul>\n")
        body.extend(_problem_item(p) for p in errors)
        body.append("</ul>\n")
    if warnings:
        body.append(f"<h2>{escape(_('Warnings'))}</h2>\n<ul>\n")
        body.extend(_problem_item(p) for p in warnings)
        body.append("</ul>\n")
    return _page(heading, "".join(body), build)


def forbidden_page() -> str:
    """Return the page of a request without the preview's token (or from another host)."""
    heading = _("This preview needs its address")
    text = _(
        "Open the address that residence serve printed, with its token: the preview answers "
        "no other."
    )
    return _page(heading, f"<h1>{escape(heading)}</h1>\n<p>{escape(text)}</p>\n", None)


def not_found_page() -> str:
    """Return the page of a path that is not a file of the report."""
    heading = _("Not found")
    text = _("The report has no such file.")
    return _page(heading, f"<h1>{escape(heading)}</h1>\n<p>{escape(text)}</p>\n", None)
