"""A timeline drawn with matplotlib: stacked bars per period and group, designations up, removals down.

Counts from version diffs are solid; counts from listing dates are hatched (the legend says so). The
largest waves carry a label: date, size and top programmes. PNG for screens and reports, SVG to embed
in a page (each bar carries its period, so a page can link a click to that period's digest).
"""

from __future__ import annotations

import io
from collections import defaultdict
from datetime import date
from typing import Any

from embargo.service.timeline import ORIGIN_LABELS, Timeline, period_end

MAX_GROUPS = 8
OTHER = "other"
# Colour-blind-safe (Okabe-Ito), then greys; print as distinct shades.
COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000", "#999999")
WIDTH = {"day": 0.9, "week": 6.0, "month": 26.0}


def _groups(t: Timeline) -> list[str]:
    shown = list(t.groups[:MAX_GROUPS])
    return [*shown, OTHER] if len(t.groups) > MAX_GROUPS else shown


def _colours(groups: list[str]) -> dict[str, str]:
    """A palette colour per named group; greys for the rest ("other") and for no value ("(no sector)"),
    so what the lists do say stands out."""
    named = [g for g in groups if g != OTHER and not g.startswith("(")]
    out = {g: COLOURS[i % len(COLOURS)] for i, g in enumerate(named)}
    out.update({g: "#c4c4c4" for g in groups if g.startswith("(")})
    if OTHER in groups:
        out[OTHER] = "#7a7a7a"
    return out


def _short(text: str, n: int = 34) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def draw(t: Timeline, fmt: str = "png", *, width: float = 13.0, height: float = 6.5) -> bytes:
    """The chart as PNG or SVG bytes."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter, date2num
    from matplotlib.patches import Patch

    plt.rcParams["svg.hashsalt"] = "embargo"  # stable ids: the same timeline gives the same SVG
    plt.rcParams["svg.fonttype"] = "none"  # text stays text (searchable, selectable)
    groups = _groups(t)
    colour = _colours(groups)
    cells: dict[tuple[str, str, str], list[int]] = defaultdict(lambda: [0, 0])
    for b in t.bars:
        g = b.group if b.group in colour else OTHER
        cells[(b.period, g, b.origin)][0] += b.added
        cells[(b.period, g, b.origin)][1] += b.removed
    periods = sorted({p for p, _, _ in cells})
    fig, ax = plt.subplots(figsize=(width, height), layout="constrained")
    w = WIDTH.get(t.period, 1.0)

    def x(day: str) -> float:
        return float(date2num(date.fromisoformat(day)))  # type: ignore[no-untyped-call]

    up = dict.fromkeys(periods, 0)
    down = dict.fromkeys(periods, 0)
    for origin in ("listing", "diff"):
        for g in groups:
            xs, ys, bottoms, ns, nbottoms = [], [], [], [], []
            for p in periods:
                a, r = cells.get((p, g, origin), (0, 0))
                if a:
                    xs.append(p)
                    ys.append(a)
                    bottoms.append(up[p])
                    up[p] += a
                if r:
                    ns.append((p, r))
                    nbottoms.append(down[p])
                    down[p] -= r
            style: dict[str, Any] = (
                {"hatch": "////", "alpha": 0.8, "edgecolor": "white"} if origin == "listing" else {}
            )
            if xs:
                bars = ax.bar(
                    [x(p) for p in xs],
                    ys,
                    w,
                    bottom=bottoms,
                    color=colour[g],
                    align="edge",
                    **style,
                )
                for bar, p in zip(bars, xs, strict=True):
                    bar.set_gid(f"bar|{p}|{period_end(p, t.period)}|{g}|{origin}")
                    bar.set_linewidth(0.3 if origin == "listing" else 0)
            if ns:
                bars = ax.bar(
                    [x(p) for p, _ in ns],
                    [-r for _, r in ns],
                    w,
                    bottom=nbottoms,
                    color=colour[g],
                    align="edge",
                    **style,
                )
                for bar, (p, _) in zip(bars, ns, strict=True):
                    bar.set_gid(f"bar|{p}|{period_end(p, t.period)}|{g}|{origin}-removed")
    ax.axhline(0, color="#333333", linewidth=0.8)
    top = max(up.values(), default=1) or 1
    labelled = sorted(t.waves, key=lambda w: w.period)
    for i, wave in enumerate(labelled):
        when = wave.period[:7] if t.period == "month" else wave.period
        since = f"\n(diff since {wave.since})" if wave.since else ""
        progs = "\n".join(f"{_short(p, 26)}: {n:,}" for p, n in wave.top_programmes[:2])
        ax.annotate(
            f"{when}: +{wave.added:,}{since}\n{progs}",
            xy=(x(wave.period) + w / 2, up.get(wave.period, wave.added)),
            xytext=((i + 0.5) / len(labelled), 0.985),
            textcoords="axes fraction",
            ha="center",
            va="top",
            fontsize=8.5,
            arrowprops={"arrowstyle": "-", "color": "#777777", "linewidth": 0.6, "shrinkB": 1},
            bbox={"boxstyle": "round,pad=0.3", "facecolor": "white", "edgecolor": "#bbbbbb"},
        )
    ax.set_ylim(top=top * 1.6, bottom=min(min(down.values(), default=0) * 1.15, -top * 0.05))
    locator = AutoDateLocator(minticks=5, maxticks=14)  # type: ignore[no-untyped-call]
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))  # type: ignore[no-untyped-call]
    ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{abs(int(v)):,}"))
    ax.set_ylabel("designations ↑   removals ↓   (entities)")
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    span = f"{t.start or 'first'} to {t.end or 'last'}"
    ax.set_title(f"Designations and removals per {t.period}, by {t.by} ({span})", fontsize=13, loc="left")
    handles = [Patch(facecolor=colour[g], label=_short(g, 40)) for g in groups]
    handles += [
        Patch(facecolor="#333333", label=ORIGIN_LABELS["diff"] + " (solid)"),
        Patch(
            facecolor="white",
            hatch="////",
            edgecolor="#333333",
            label=ORIGIN_LABELS["listing"] + " (hatched)",
        ),
    ]
    columns = min(len(handles), max(2, int(width / 2.6)))  # a row of the legend fits the figure
    fig.legend(handles=handles, loc="outside lower center", fontsize=9, frameon=False, ncols=columns)
    buf = io.BytesIO()
    fig.savefig(buf, format=fmt, dpi=150 if fmt == "png" else 72, metadata=_metadata(fmt))
    plt.close(fig)
    return buf.getvalue()


def _metadata(fmt: str) -> dict[str, str | None]:
    if fmt == "svg":
        return {"Date": None, "Creator": "embargo"}
    if fmt == "png":
        return {"Software": "embargo"}
    return {}
