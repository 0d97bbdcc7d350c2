"""One self-contained HTML report of a scenario comparison: works offline, no CDN.

Every figure is drawn with matplotlib and embedded as a base64 PNG; tables are plain
HTML; the page loads nothing from outside the file (no scripts, fonts or tiles).
Sections: headline deltas with 95 % intervals; maps of the best tier per ZIP area
before and after with the sites; order-to-door distributions; cost per parcel by
rurality; the design's marginal curve; KPI tables; the operating assumptions with
their sources (``docs/operations.md``).
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Sequence
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from hinterland.core.vocabulary import COVERAGE_CLASSES

__all__ = ["comparison_report"]

TIER_COLOURS = {"60min": "#7b3294", "same_day": "#1a9641", "next_day": "#a6d96a",
                "two_day": "#fdae61", "beyond": "#d7191c"}

_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Helvetica,Arial,sans-serif;margin:2em auto;
max-width:1100px;color:#222;line-height:1.4}h1{font-size:1.6em}h2{margin-top:1.6em;
border-bottom:1px solid #ddd;padding-bottom:.2em}table{border-collapse:collapse;margin:.6em 0}
td,th{border:1px solid #ddd;padding:.25em .6em;text-align:right}th{background:#f4f4f4}
td:first-child,th:first-child{text-align:left}.fig{display:inline-block;margin:.4em}
.note{color:#555;font-size:.9em}.good{color:#1a7f37}.bad{color:#b42318}
"""


def _png(fig: Any) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return f'<img alt="figure" src="data:image/png;base64,{data}">'


def _tier_map(coverage: pd.DataFrame, sites: pd.DataFrame, title: str,
              highlight: Sequence[str] = ()) -> str:
    fig, ax = plt.subplots(figsize=(5.4, 4.2))
    for tier in COVERAGE_CLASSES:
        sel = coverage[coverage["best_tier"] == tier]
        if len(sel):
            ax.scatter(sel["lon"], sel["lat"], s=6, c=TIER_COLOURS[tier], label=tier,
                       linewidths=0)
    lo, la = coverage["lon"], coverage["lat"]
    box = (lo.min() - 0.5, lo.max() + 0.5, la.min() - 0.5, la.max() + 0.5)
    s = sites[sites["lon"].between(box[0], box[1]) & sites["lat"].between(box[2], box[3])]
    vans = s[s["kind"].isin(["delivery_station", "hybrid_hub", "retail_store"])]
    ax.scatter(vans["lon"], vans["lat"], marker="s", s=22, c="#222", label="van site")
    new = s[s["id"].astype(str).isin(list(highlight))]
    if len(new):
        ax.scatter(new["lon"], new["lat"], marker="*", s=120, c="#ffd400", edgecolors="#222",
                   linewidths=0.6, label="new hub")
    ax.set_xlim(box[0], box[1])
    ax.set_ylim(box[2], box[3])
    ax.set_title(title, fontsize=10)
    ax.set_xlabel("longitude")
    ax.set_ylabel("latitude")
    ax.legend(fontsize=7, loc="lower left", markerscale=1.5)
    return _png(fig)


def _hist(a: pd.Series, b: pd.Series) -> str:
    fig, ax = plt.subplots(figsize=(5.4, 3.4))
    bins = list(np.linspace(0, max(float(np.nanpercentile(np.r_[a, b], 99)), 1.0), 40))
    ax.hist(a, bins=bins, alpha=0.6, label="A (today)", color="#888")
    ax.hist(b, bins=bins, alpha=0.6, label="B (proposed)", color="#1a9641")
    ax.set_xlabel("order to door, hours")
    ax.set_ylabel("parcels")
    ax.legend(fontsize=8)
    ax.set_title("Order-to-door time, last replication", fontsize=10)
    return _png(fig)


def _bars(a: pd.DataFrame, b: pd.DataFrame, column: str, label: str) -> str:
    fig, ax = plt.subplots(figsize=(5.4, 3.4))
    classes = list(a["rurality"])
    x = np.arange(len(classes))
    bv = b.set_index("rurality").reindex(classes)[column]
    ax.bar(x - 0.2, a[column], 0.4, label="A", color="#888")
    ax.bar(x + 0.2, bv, 0.4, label="B", color="#1a9641")
    ax.set_xticks(x, classes)
    ax.set_ylabel(label)
    ax.legend(fontsize=8)
    ax.set_title(f"{label} by rurality", fontsize=10)
    return _png(fig)


def _marginal(marginal: pd.DataFrame) -> str:
    fig, ax = plt.subplots(figsize=(5.4, 3.4))
    ax.plot(marginal["sites"], marginal["population_covered"] / 1e6, marker="o")
    ax.set_xlabel("new sites (in the order chosen)")
    ax.set_ylabel("people reaching the target tier, millions")
    ax.set_title("Design: value of the k-th new site", fontsize=10)
    return _png(fig)


def _table(df: pd.DataFrame, formats: dict[str, str] | None = None) -> str:
    formats = formats or {}
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in df.columns)
    rows = []
    for rec in df.itertuples(index=False):
        cells = []
        for col, v in zip(df.columns, rec, strict=True):
            spec = formats.get(str(col))
            if spec and isinstance(v, int | float | np.number) and np.isfinite(v):
                text = format(v, spec)
            else:
                text = "" if v is None or (isinstance(v, float) and not np.isfinite(v)) \
                    else str(v)
            cells.append(f"<td>{html.escape(text)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><tr>{head}</tr>{''.join(rows)}</table>"


def comparison_report(
    *,
    title: str,
    deltas: pd.DataFrame,
    coverage_before: pd.DataFrame,
    coverage_after: pd.DataFrame,
    sites_before: pd.DataFrame,
    sites_after: pd.DataFrame,
    new_sites: Sequence[str],
    parcels_a: pd.DataFrame,
    parcels_b: pd.DataFrame,
    by_rurality_a: pd.DataFrame,
    by_rurality_b: pd.DataFrame,
    kpis_a: dict[str, Any],
    kpis_b: dict[str, Any],
    marginal: pd.DataFrame | None,
    assumptions: pd.DataFrame,
    notes: Sequence[str] = (),
) -> str:
    """The report's HTML text (self-contained; see the module docstring)."""
    def hours(p: pd.DataFrame) -> pd.Series:
        d = p[p["status"] != "cancelled"]
        return (d["delivered_min"] - d["ordered_min"]) / 60.0

    head = deltas[deltas["kpi"].isin([
        "order_to_door_h_p50", "rural:order_to_door_h_p50", "small_town:order_to_door_h_p50",
        "next_day_share", "same_day_share", "on_time_rate", "cancelled",
        "cost_per_parcel_usd", "co2_kg_per_parcel_total", "jobs_per_station"])]
    lines = []
    for rec in head.itertuples(index=False):
        lines.append(f"<li><b>{html.escape(str(rec.kpi))}</b>: {rec.a_mean:.3g} &rarr; "
                     f"{rec.b_mean:.3g} ({rec.delta_pct:+.1f} % [{rec.pct_low:+.1f}, "
                     f"{rec.pct_high:+.1f}])</li>")
    kp = pd.DataFrame({"kpi": list(kpis_a), "A": [kpis_a[k] for k in kpis_a],
                       "B": [kpis_b.get(k) for k in kpis_a]})
    kp = kp[kp["A"].map(lambda v: isinstance(v, int | float))]
    figs = [
        _tier_map(coverage_before, sites_before, "A: best tier per ZIP area (noon order)"),
        _tier_map(coverage_after, sites_after, "B: best tier per ZIP area (noon order)",
                  new_sites),
        _hist(hours(parcels_a), hours(parcels_b)),
        _bars(by_rurality_a, by_rurality_b, "order_to_door_h_p50", "order-to-door p50, h"),
        _bars(by_rurality_a, by_rurality_b, "next_day_share", "delivered by next day"),
    ]
    if marginal is not None and "population_covered" in marginal:
        figs.append(_marginal(marginal))
    body = [
        f"<h1>{html.escape(title)}</h1>",
        "<h2>Headline: B - A with 95 % confidence intervals</h2>",
        f"<ul>{''.join(lines)}</ul>",
        '<p class="note">Common random numbers: both scenarios see the same orders, '
        "variation and failures in each replication; intervals are Student-t over "
        f"{int(deltas['replications'].max()) if len(deltas) else 0} replications.</p>",
        "<h2>Maps and charts</h2>",
        "".join(f'<div class="fig">{f}</div>' for f in figs),
        "<h2>KPIs (last replication)</h2>",
        _table(kp, {"A": ",.3f", "B": ",.3f"}),
        "<h2>By rurality (last replication)</h2>",
        "<h3>A</h3>", _table(by_rurality_a, {c: ",.3f" for c in by_rurality_a.columns}),
        "<h3>B</h3>", _table(by_rurality_b, {c: ",.3f" for c in by_rurality_b.columns}),
        "<h2>All deltas</h2>",
        _table(deltas, {c: ",.4g" for c in deltas.columns}),
        "<h2>Assumptions</h2>",
        _table(assumptions),
        "".join(f'<p class="note">{html.escape(n)}</p>' for n in notes),
    ]
    return ("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{html.escape(title)}</title><style>{_CSS}</style></head><body>"
            + "".join(body) + "</body></html>")
