"""Accuracy of statsforecast models and our selection on intermittent demand.

Usage::

    python benchmarks/intermittent.py FILE --horizon H [--out results.csv]

FILE is ``carparts_wide.csv``, the automotive CSV of Syntetos & Boylan, or any
long CSV/Parquet with columns ``series_id,period,demand``. The last ``H``
periods are the test window; every model and the selection see only the
periods before it. Prints CSV to stdout with header
``model,rmsse,mase,bias,seconds,series``: one row per model, then
``selection`` (the default ``combo`` method of
:mod:`hinterland.demand.selection`, whose seconds include its validation
backtest), plus the other selection methods as ``selection:<method>`` with
``--all-methods``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from hinterland.demand.forecast import DEFAULT_MODELS, forecast_panel
from hinterland.demand.metrics import score
from hinterland.demand.panels import read_panel
from hinterland.demand.selection import SELECTION_METHODS, select_and_forecast


def run(
    path: Path,
    horizon: int,
    *,
    season_length: int | None = None,
    all_methods: bool = False,
    n_windows: int = 4,
) -> pd.DataFrame:
    """Score every model and the selection on the last ``horizon`` periods."""
    panel = read_panel(path, season_length=season_length)
    vals = panel.values
    train, test = vals[:, :-horizon], np.nan_to_num(vals[:, -horizon:])
    rows = []
    for name in DEFAULT_MODELS:
        t0 = time.perf_counter()
        fc = forecast_panel(train, horizon, [name], season_length=panel.season_length)[name]
        secs = time.perf_counter() - t0
        s = score(test, fc, train)
        rows.append((name, s.rmsse, s.mase, s.bias, secs, s.n_series))
    methods = SELECTION_METHODS if all_methods else ("combo",)
    for method in methods:
        t0 = time.perf_counter()
        sel = select_and_forecast(
            train,
            horizon,
            method=method,
            season_length=panel.season_length,
            n_windows=n_windows,
        )
        secs = time.perf_counter() - t0
        s = score(test, sel.forecast, train)
        label = "selection" if method == "combo" else f"selection:{method}"
        rows.append((label, s.rmsse, s.mase, s.bias, secs, s.n_series))
        print(f"# {label}: {sel.chosen} (cutoffs {sel.cutoffs})", file=sys.stderr)
    return pd.DataFrame(rows, columns=["model", "rmsse", "mase", "bias", "seconds", "series"])


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("file", type=Path)
    ap.add_argument("--horizon", type=int, required=True)
    ap.add_argument("--season-length", type=int, default=None)
    ap.add_argument("--n-windows", type=int, default=4)
    ap.add_argument("--all-methods", action="store_true")
    ap.add_argument("--out", type=Path, default=None, help="also write the CSV here")
    args = ap.parse_args(argv)
    res = run(
        args.file,
        args.horizon,
        season_length=args.season_length,
        all_methods=args.all_methods,
        n_windows=args.n_windows,
    )
    text = res.to_csv(index=False, float_format="%.4f")
    sys.stdout.write(text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text)


if __name__ == "__main__":
    main()
