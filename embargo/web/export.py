"""Standalone HTML files (no server, no network): a digest, a timeline chart with its waves.

The web pages and these files render the same templates; a file inlines its stylesheet and links
nowhere, so it opens offline and prints as it shows.
"""

from __future__ import annotations

import re
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import escape

from embargo.service.chart import draw
from embargo.service.digest import Digest
from embargo.service.digest_format import group_by_programme
from embargo.service.timeline import ORIGIN_LABELS, Timeline

HERE = Path(__file__).resolve().parent
env = Environment(
    loader=FileSystemLoader(HERE / "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)
_BAR = re.compile(r'<g id="bar\|([0-9-]+)\|([0-9-]+)\|([^"|]*)\|([a-z-]+)">(\s*<path [^>]*/>\s*)</g>')


def _page(title: str, body: str) -> str:
    css = (HERE / "static" / "embargo.css").read_text(encoding="utf-8")
    return env.get_template("export.html").render(title=title, body=body, css=css)


def digest_body(d: Digest, *, links: bool, limit: int | None = None) -> str:
    """The digest's HTML; ``limit``: the most parties a programme group (or a version's changes) shows."""
    return env.get_template("digest_body.html").render(
        d=d, groups=group_by_programme, links=links, limit=limit
    )


def digest_html(d: Digest) -> str:
    span = d.start if d.start == d.end else f"{d.start} to {d.end}"
    return _page(f"Change digest: {span}", digest_body(d, links=False))


def chart_svg(t: Timeline, *, links: bool) -> str:
    """The chart as inline SVG (no XML prologue); with ``links`` each bar opens its period's digest.
    Drawn a little smaller than the PNG, so its text reads at a page's width."""
    svg = draw(t, "svg", width=11.0, height=6.0).decode("utf-8")
    svg = svg[svg.index("<svg") :]

    def bar(m: re.Match[str]) -> str:
        start, end, group, origin = m.group(1, 2, 3, 4)
        what = ORIGIN_LABELS.get(origin.split("-")[0], origin)
        title = f"<title>{start} – {end} · {group} · {what}</title>"
        inner = f'<g class="bar" data-period="{start}" data-origin="{origin}">{title}{m.group(5)}</g>'
        return f'<a href="/ui/digest?from={start}&amp;to={end}">{inner}</a>' if links else inner

    return _BAR.sub(bar, svg)


def timeline_html(t: Timeline) -> str:
    body = chart_svg(t, links=False)
    rows = "".join(
        f"<tr><td>{w.period} – {w.end}</td><td class=n>{w.added:,}</td><td>{escape(', '.join(w.sources))}</td>"
        f"<td>{escape(', '.join(f'{p} ({n})' for p, n in w.top_programmes))}</td></tr>"
        for w in t.waves
    )
    table = (
        "<table><thead><tr><th>Period</th><th class=n>Designations</th><th>Lists</th>"
        f"<th>Top programmes</th></tr></thead><tbody>{rows}</tbody></table>"
    )
    return _page(
        f"Designations and removals per {t.period}, by {t.by}",
        f'<div class="svg-wrap">{body}</div><h2>Largest waves</h2>{table}',
    )
