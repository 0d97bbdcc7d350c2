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
backtest). ``seconds`` is wall time after a warm-up run that compiles the
numba code of every model, plus the other selection methods as ``selection:<method>`` with
``--all-methods``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from hinterland.demand.forecast import (
    DEFAULT_MODELS,
    GLOBAL_MODEL,
    MODELS_WITH_GLOBAL,
    forecast_panel,
)
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
    step: int = 1,
    min_train: int | None = None,
    drop_last: int = 0,
    with_global: bool = False,
) -> pd.DataFrame:
    """Score every model and the selection on the last ``horizon`` periods.

    With ``all_methods`` or ``with_global`` two more rows: the global LightGBM
    model alone (``GlobalLightGBM``) and ``selection+global``, the ``combo``
    selection whose candidates include it, choosing among candidates with a
    validation bias within +-15 %.

    ``drop_last`` first removes that many final periods, so the test window is an
    earlier one (a second forecast origin, with the method fixed beforehand).
    """
    panel = read_panel(path, season_length=season_length)
    vals = panel.values[:, : panel.values.shape[1] - drop_last]
    train, test = vals[:, :-horizon], np.nan_to_num(vals[:, -horizon:])
    # warm-up: numba compiles each model on first use; keep that out of the timings
    forecast_panel(train[:5], horizon, DEFAULT_MODELS, season_length=panel.season_length)
    rows = []
    for name in DEFAULT_MODELS:
        t0 = time.perf_counter()
        fc = forecast_panel(train, horizon, [name], season_length=panel.season_length)[name]
        secs = time.perf_counter() - t0
        s = score(test, fc, train)
        rows.append((name, s.rmsse, s.mase, s.bias, secs, s.n_series))
    first = first_period(panel.periods, panel.season_length)
    if all_methods or with_global:
        t0 = time.perf_counter()
        fc = forecast_panel(
            train, horizon, [GLOBAL_MODEL], season_length=panel.season_length, first_period=first
        )[GLOBAL_MODEL]
        secs = time.perf_counter() - t0
        s = score(test, fc, train)
        rows.append((GLOBAL_MODEL, s.rmsse, s.mase, s.bias, secs, s.n_series))
        t0 = time.perf_counter()
        sel = select_and_forecast(
            train,
            horizon,
            models=MODELS_WITH_GLOBAL,
            season_length=panel.season_length,
            n_windows=n_windows,
            step=step,
            min_train=min_train,
            first_period=first,
            max_bias=0.15,
        )
        secs = time.perf_counter() - t0
        s = score(test, sel.forecast, train)
        rows.append(("selection+global", s.rmsse, s.mase, s.bias, secs, s.n_series))
        print(f"# selection+global: {sel.chosen} (cutoffs {sel.cutoffs})", file=sys.stderr)
    methods = SELECTION_METHODS if all_methods else ("combo",)
    for method in methods:
        t0 = time.perf_counter()
        sel = select_and_forecast(
            train,
            horizon,
            method=method,
            season_length=panel.season_length,
            n_windows=n_windows,
            step=step,
            min_train=min_train,
        )
        secs = time.perf_counter() - t0
        s = score(test, sel.forecast, train)
        label = "selection" if method == "combo" else f"selection:{method}"
        rows.append((label, s.rmsse, s.mase, s.bias, secs, s.n_series))
        print(f"# {label}: {sel.chosen} (cutoffs {sel.cutoffs})", file=sys.stderr)
    return pd.DataFrame(rows, columns=["model", "rmsse", "mase", "bias", "seconds", "series"])


def first_period(periods: pd.Index, season_length: int) -> int:
    """Season position of the first period: month - 1 for ``YYYY-MM`` labels, else 0."""
    label = str(periods[0])
    if season_length == 12 and len(label) >= 7 and label[4] == "-" and label[5:7].isdigit():
        return int(label[5:7]) - 1
    return 0


#: Validation designs of ``--sensitivity``: (n_windows, step, min_train; None = half).
SENSITIVITY_DESIGNS: tuple[tuple[int, int, int | None], ...] = (
    (4, 1, None),
    (2, 1, None),
    (8, 1, None),
    (4, 2, None),
    (4, 1, 6),
    (4, 3, 4),
)


def sensitivity(path: Path, horizon: int, season_length: int | None = None) -> pd.DataFrame:
    """Test-window accuracy of ``combo`` under several validation designs."""
    panel = read_panel(path, season_length=season_length)
    vals = panel.values
    train, test = vals[:, :-horizon], np.nan_to_num(vals[:, -horizon:])
    rows = []
    for n_windows, step, min_train in SENSITIVITY_DESIGNS:
        sel = select_and_forecast(
            train,
            horizon,
            season_length=panel.season_length,
            n_windows=n_windows,
            step=step,
            min_train=min_train,
        )
        s = score(test, sel.forecast, train)
        rows.append(
            {
                "n_windows": n_windows,
                "step": step,
                "min_train": "half" if min_train is None else min_train,
                "cutoffs": " ".join(map(str, sel.cutoffs)),
                "chosen": sel.chosen,
                "rmsse": s.rmsse,
                "mase": s.mase,
                "bias": s.bias,
            }
        )
    return pd.DataFrame(rows)


def business(path: Path, horizon: int, season_length: int | None = None) -> pd.DataFrame:
    """Business metric: share of test demand served by base stocks set from each forecast.

    Each series is stocked to the smallest base-stock level reaching a 95 %
    fill rate under Poisson demand with the forecast's mean per period
    (review every period, no lead time) and the test demand is replayed
    against it (:func:`hinterland.inventory.simulate.served_share`). A higher
    forecast buys a higher share with more stock, so the mean stock is shown.
    """
    from hinterland.inventory.simulate import served_share
    from hinterland.inventory.stock import base_stock_for_fill

    panel = read_panel(path, season_length=season_length)
    vals = panel.values
    train, test = vals[:, :-horizon], np.nan_to_num(vals[:, -horizon:])
    fcs = forecast_panel(train, horizon, DEFAULT_MODELS, season_length=panel.season_length)
    sel = select_and_forecast(train, horizon, season_length=panel.season_length)
    fcs["selection"] = sel.forecast
    rows = []
    for name, f in fcs.items():
        s = base_stock_for_fill(0.95, f.mean(axis=1), review_days=1.0, lead_days=0.0)
        rows.append(
            {
                "model": name,
                "served_share": served_share(s, test, review=1, lead=0),
                "mean_base_stock": float(s.mean()),
                "series": len(s),
            }
        )
    return pd.DataFrame(rows)


def intervals(
    path: Path, horizon: int, season_length: int | None = None, drop_last: int = 0
) -> pd.DataFrame:
    """Coverage of 80 % intervals and stock from the calibrated predictive distribution.

    For the classical ``combo`` selection and ``selection+global``: the
    conformal intervals of :mod:`hinterland.demand.intervals` (calibrated on the
    selection's validation windows) and the central 80 % interval of the
    calibrated negative binomial, each scored by the share of test values
    inside; then base stocks for a 95 % fill rate (review 1 period, no lead
    time, as in ``--business``) from a Poisson, the history's NB and the
    calibrated NB, replayed against the test demand.
    """
    from scipy import stats

    from hinterland.demand.intervals import calibrate, coverage, history_vmr
    from hinterland.inventory.simulate import served_share
    from hinterland.inventory.stock import base_stock_for_fill

    panel = read_panel(path, season_length=season_length)
    vals = panel.values[:, : panel.values.shape[1] - drop_last]
    train, test = vals[:, :-horizon], np.nan_to_num(vals[:, -horizon:])
    first = first_period(panel.periods, panel.season_length)
    rows = []
    for label, models, max_bias in (
        ("selection", DEFAULT_MODELS, None),
        ("selection+global", MODELS_WITH_GLOBAL, 0.15),
    ):
        sel = select_and_forecast(
            train,
            horizon,
            models=models,
            season_length=panel.season_length,
            first_period=first,
            max_bias=max_bias,
        )
        cal = calibrate(train, sel.validation_forecasts, horizon, level=0.8)
        vmr_h = history_vmr(train)
        lo, hi = cal.interval(sel.forecast, vmr_h)
        vmr_p = cal.predictive_vmr(vmr_h)
        mean = np.maximum(sel.forecast, 1e-9)
        p = 1.0 / vmr_p[:, None]
        n_nb = mean * p / np.maximum(1.0 - p, 1e-12)
        nb = vmr_p[:, None] > 1.0 + 1e-9
        q10 = np.where(nb, stats.nbinom.ppf(0.1, n_nb, p), stats.poisson.ppf(0.1, mean))
        q90 = np.where(nb, stats.nbinom.ppf(0.9, n_nb, p), stats.poisson.ppf(0.9, mean))
        row = {
            "forecast": label,
            "chosen": sel.chosen,
            "dispersion_k": cal.dispersion,
            "conformal80_coverage": coverage(test, lo, hi),
            "nb80_coverage": coverage(test, q10, q90),
        }
        mu = sel.forecast.mean(axis=1)
        for name, vmr in (("poisson", 1.0), ("history_nb", vmr_h), ("calibrated_nb", vmr_p)):
            st = base_stock_for_fill(0.95, mu, review_days=1.0, lead_days=0.0, vmr=vmr)
            row[f"served_{name}"] = served_share(st, test, review=1, lead=0)
            row[f"stock_{name}"] = float(st.mean())
        rows.append(row)
        print(f"# {label}: {row}", file=sys.stderr)
    return pd.DataFrame(rows)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("file", type=Path)
    ap.add_argument("--horizon", type=int, required=True)
    ap.add_argument("--season-length", type=int, default=None)
    ap.add_argument("--n-windows", type=int, default=4)
    ap.add_argument("--step", type=int, default=1, help="periods between validation cutoffs")
    ap.add_argument(
        "--min-train", type=int, default=None, help="shortest validation training (default: half)"
    )
    ap.add_argument("--all-methods", action="store_true")
    ap.add_argument(
        "--global",
        dest="with_global",
        action="store_true",
        help="add the global LightGBM model and the selection with it (implied by --all-methods)",
    )
    ap.add_argument(
        "--sensitivity",
        action="store_true",
        help="instead: accuracy of the selection under several validation designs",
    )
    ap.add_argument(
        "--drop-last",
        type=int,
        default=0,
        help="drop this many final periods first (test an earlier forecast origin)",
    )
    ap.add_argument("--out", type=Path, default=None, help="also write the CSV here")
    ap.add_argument(
        "--business",
        action="store_true",
        help="instead: share of test demand served by stock set from each forecast",
    )
    ap.add_argument(
        "--intervals",
        action="store_true",
        help="instead: coverage of 80 %% intervals and stock from the predictive distribution",
    )
    args = ap.parse_args(argv)
    if args.intervals:
        res = intervals(args.file, args.horizon, args.season_length, args.drop_last)
        text = res.to_csv(index=False, float_format="%.4f")
        sys.stdout.write(text)
        if args.out:
            args.out.parent.mkdir(parents=True, exist_ok=True)
            args.out.write_text(text)
        return
    if args.sensitivity or args.business:
        fn = business if args.business else sensitivity
        res = fn(args.file, args.horizon, args.season_length)
        text = res.to_csv(index=False, float_format="%.4f")
        sys.stdout.write(text)
        if args.out:
            args.out.parent.mkdir(parents=True, exist_ok=True)
            args.out.write_text(text)
        return
    res = run(
        args.file,
        args.horizon,
        season_length=args.season_length,
        all_methods=args.all_methods,
        n_windows=args.n_windows,
        step=args.step,
        min_train=args.min_train,
        drop_last=args.drop_last,
        with_global=args.with_global,
    )
    text = res.to_csv(index=False, float_format="%.4f")
    sys.stdout.write(text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text)


if __name__ == "__main__":
    main()
