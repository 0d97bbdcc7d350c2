"""Cold start: forecasts for a hub or an item with no history of its own.

A new rural hub has no sales yet, and a new item has sold nowhere. Both get a
forecast from what *is* known, with the method named in the result (never a
silent zero):

``coldstart:new_hub``
    LightGBM (Tweedie) on the place attributes of the hub's service area
    (population, rurality mix, state, distance to the nearest fulfillment
    center), the item's attributes and the item's demand per resident at the
    *other* hubs: nationally, in hubs of the same main rurality class and in
    the same state.
``coldstart:new_item``
    LightGBM on the item's attributes (category, weight, cube, optional price),
    the hub's place attributes, the hub's demand per resident over all items
    and the hub's mean demand per item of the item's category.
``coldstart:population_rule``
    Neither hub nor item known: mean demand per resident and item x the hub's
    population.

The model is trained on the known series with the same features computed as
if each training row's own hub (or item) were unknown (leave-one-out sums),
so it learns how well the other hubs' (items') histories predict a missing
one. The target is the series' mean demand per period over the training
periods; the forecast is flat over the horizon.

The **naive rule** it is compared with (:func:`naive_population_forecast`):
the item's national demand per resident x the hub's population for a new
hub; the mean demand per resident and item x population for a new item.

Place attributes (:func:`place_attributes`) come from the real ZIP-area table
(:func:`hinterland.data.zip_areas`) and the fulfillment centers of
:func:`hinterland.network.default_network.fulfillment_centers`.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from hinterland.core.errors import HinterlandError, InputError
from hinterland.data.rurality import RURALITY_CLASSES

METHOD_NEW_HUB = "coldstart:new_hub"
METHOD_NEW_ITEM = "coldstart:new_item"
METHOD_POPULATION = "coldstart:population_rule"

_ITEM_NUMERIC = ("weight_kg", "cube_l", "price")


def place_attributes(
    zips: pd.DataFrame, zip_to_hub: pd.DataFrame, fcs: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Attributes of each hub's service area.

    Parameters
    ----------
    zips
        ZIP-area table (``zip``, ``lat``, ``lon``, ``population``, ``state``,
        ``rurality``), e.g. :func:`hinterland.data.zip_areas`.
    zip_to_hub
        ``zip``, ``hub``: the ZIP areas each hub serves.
    fcs
        Fulfillment centers (``lat``, ``lon``); default the real sites of
        :func:`hinterland.network.default_network.fulfillment_centers`.

    Returns
    -------
    DataFrame
        Indexed by ``hub``: ``population``, ``share_<class>`` for each rurality
        class (population shares), ``rurality`` (class with most residents),
        ``state`` (state with most residents), ``lat``, ``lon``
        (population-weighted centroid) and ``fc_km`` (great-circle km to the
        nearest fulfillment center).
    """
    from hinterland.geo.distance import haversine_km

    for col in ("zip", "hub"):
        if col not in zip_to_hub.columns:
            raise InputError("zip_to_hub", f"missing column '{col}'", column=col)
    z = zips.merge(zip_to_hub[["zip", "hub"]], on="zip", how="inner")
    if z.empty:
        raise InputError("zip_to_hub", "no ZIP area of the mapping is in the ZIP table")
    pop = z["population"].astype(float).clip(lower=0.0)
    z = z.assign(_pop=pop, _wlat=pop * z["lat"], _wlon=pop * z["lon"])
    g = z.groupby("hub", sort=True)
    out = pd.DataFrame({"population": g["_pop"].sum()})
    tot = out["population"].where(out["population"] > 0, 1.0)
    rur = z.assign(rurality=z["rurality"].astype(str)).pivot_table(
        index="hub", columns="rurality", values="_pop", aggfunc="sum", fill_value=0.0
    )
    for c in RURALITY_CLASSES:
        out[f"share_{c}"] = (rur[c] if c in rur.columns else 0.0) / tot
    shares = out[[f"share_{c}" for c in RURALITY_CLASSES]].to_numpy()
    out["rurality"] = np.asarray(RURALITY_CLASSES)[shares.argmax(axis=1)]
    st = z.groupby(["hub", "state"], observed=True)["_pop"].sum().reset_index()
    st = st.sort_values(["hub", "_pop"], ascending=[True, False]).drop_duplicates("hub")
    out["state"] = st.set_index("hub")["state"].astype(str)
    out["lat"] = g["_wlat"].sum() / tot
    out["lon"] = g["_wlon"].sum() / tot
    no_pop = out["population"] <= 0
    if no_pop.any():
        out.loc[no_pop, "lat"] = g["lat"].mean()[no_pop]
        out.loc[no_pop, "lon"] = g["lon"].mean()[no_pop]
    if fcs is None:
        from hinterland.network.default_network import fulfillment_centers

        fcs = fulfillment_centers()
    d = haversine_km(
        out["lat"].to_numpy()[:, None],
        out["lon"].to_numpy()[:, None],
        fcs["lat"].to_numpy()[None, :],
        fcs["lon"].to_numpy()[None, :],
    )
    out["fc_km"] = d.min(axis=1)
    return out


@dataclass(frozen=True)
class ColdStartResult:
    """Cold-start forecasts.

    Attributes
    ----------
    forecast
        ``(n_rows, h)`` units per period for the requested (hub, item) rows.
    method
        Method of each row (module docstring).
    naive
        ``(n_rows, h)`` forecasts of the naive population rule, for comparison.
    """

    forecast: np.ndarray
    method: np.ndarray
    naive: np.ndarray


def _rate_tables(known: pd.DataFrame, places: pd.DataFrame) -> pd.DataFrame:
    """Known series with hub population, main rurality and state joined."""
    k = known.join(places[["population", "rurality", "state"]], on="hub")
    if k["population"].isna().any():
        hub = k.loc[k["population"].isna(), "hub"].iloc[0]
        raise InputError("places", f"hub {hub!r} has no place attributes", column="hub")
    return k


def _loo_rate(
    k: pd.DataFrame, by: list[str], exclude_own_hub: bool
) -> tuple[np.ndarray, pd.DataFrame]:
    """Demand per resident of each row's item over hubs in the same ``by`` group.

    Returns the leave-own-hub-out rate of every known row and the full table
    (``by`` -> demand, population) for new rows.
    """
    grp = k.groupby(by, observed=True).agg(dem=("mean", "sum"), pop=("population", "sum"))
    j = k.join(grp, on=by)
    dem = j["dem"].to_numpy(dtype=float)
    pop = j["pop"].to_numpy(dtype=float)
    if exclude_own_hub:
        dem = dem - k["mean"].to_numpy(dtype=float)
        pop = pop - k["population"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = np.where(pop > 0, dem / pop, np.nan)
    return rate, grp


def _lookup(grp: pd.DataFrame, rows: pd.DataFrame, by: list[str]) -> np.ndarray:
    j = rows[by].join(grp, on=by)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(j["pop"] > 0, j["dem"] / j["pop"], np.nan)


def _features(
    rows: pd.DataFrame,
    places: pd.DataFrame,
    items: pd.DataFrame,
    extra: dict[str, np.ndarray],
) -> pd.DataFrame:
    states = sorted(places["state"].astype(str).unique())
    p = places.reindex(rows["hub"].to_numpy())
    it = items.reindex(rows["item"].to_numpy())
    f = pd.DataFrame(index=np.arange(len(rows)))
    f["log_pop"] = np.log1p(p["population"].to_numpy(dtype=float))
    for c in RURALITY_CLASSES:
        f[f"share_{c}"] = p[f"share_{c}"].to_numpy(dtype=float)
    f["state"] = pd.Categorical(p["state"].astype(str).to_numpy(), categories=states)
    f["fc_km"] = p["fc_km"].to_numpy(dtype=float)
    if "category" in items.columns:
        cats = sorted(items["category"].astype(str).unique())
        f["category"] = pd.Categorical(it["category"].astype(str).to_numpy(), categories=cats)
    for c in _ITEM_NUMERIC:
        if c in items.columns:
            f[c] = it[c].to_numpy(dtype=float)
    pop = p["population"].to_numpy(dtype=float)
    for name, rate in extra.items():
        f[name] = rate * pop  # expected units at this hub's size
    return f


def _weights(k: pd.DataFrame) -> np.ndarray | None:
    """``1 / scale`` of each known series when ``known`` has a ``scale`` column (RMSSE loss)."""
    if "scale" not in k.columns:
        return None
    sc = k["scale"].to_numpy(dtype=float)
    ok = np.isfinite(sc) & (sc > 0)
    fill = float(np.median(sc[ok])) if ok.any() else 1.0
    return 1.0 / np.where(ok, sc, fill)


def _fit_predict(
    x: pd.DataFrame, y: np.ndarray, x_new: pd.DataFrame, seed: int, w: np.ndarray | None = None
) -> np.ndarray:
    import lightgbm as lgb

    m = lgb.LGBMRegressor(
        objective="tweedie",
        tweedie_variance_power=1.2,
        n_estimators=300,
        learning_rate=0.05,
        num_leaves=31,
        min_child_samples=20,
        subsample=0.8,
        subsample_freq=1,
        colsample_bytree=0.8,
        random_state=seed,
        n_jobs=1,
        deterministic=True,
        force_row_wise=True,
        verbosity=-1,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m.fit(x, y, sample_weight=w)
        return np.clip(m.predict(x_new), 0.0, None)


def coldstart_forecast(
    known: pd.DataFrame,
    new: pd.DataFrame,
    places: pd.DataFrame,
    items: pd.DataFrame,
    h: int,
    *,
    seed: int = 0,
) -> ColdStartResult:
    """Forecast (hub, item) series without history (module docstring).

    Parameters
    ----------
    known
        One row per series with history: ``hub``, ``item``, ``mean`` (mean
        demand per period over its training periods) and optionally ``scale``
        (its mean squared one-step difference): the rows are then weighted
        ``1 / scale``, the loss RMSSE measures.
    new
        Rows to forecast: ``hub``, ``item``. A hub is *known* if it appears in
        ``known``, likewise an item.
    places
        :func:`place_attributes` of every hub of ``known`` and ``new``.
    items
        Item attributes indexed by ``item``: ``category`` and any of
        ``weight_kg``, ``cube_l``, ``price``.
    h
        Horizon (the forecast is flat).
    seed
        LightGBM seed.
    """
    if h < 1:
        raise HinterlandError(f"horizon must be >= 1, got {h}")
    for name, t, cols in (("known", known, ("hub", "item", "mean")), ("new", new, ("hub", "item"))):
        for c in cols:
            if c not in t.columns:
                raise InputError(name, f"missing column '{c}'", column=c)
    k = _rate_tables(known.reset_index(drop=True), places)
    rows = new.reset_index(drop=True).join(places[["population", "rurality", "state"]], on="hub")
    if rows["population"].isna().any():
        hub = rows.loc[rows["population"].isna(), "hub"].iloc[0]
        raise InputError("places", f"hub {hub!r} has no place attributes", column="hub")
    hub_known = rows["hub"].isin(set(k["hub"])).to_numpy()
    item_known = rows["item"].isin(set(k["item"])).to_numpy()
    n = len(rows)
    fc = np.full(n, np.nan)
    method = np.full(n, METHOD_POPULATION, dtype=object)

    # naive: national demand per resident of the item (or of the mean item) x population
    _, nat_grp = _loo_rate(k, ["item"], exclude_own_hub=False)
    per_item = float(k["mean"].sum() / k.groupby("hub")["population"].first().sum())
    per_item /= max(k["item"].nunique(), 1)
    rate_item = _lookup(nat_grp, rows, ["item"])
    pop_new = rows["population"].to_numpy(dtype=float)
    naive = np.where(np.isfinite(rate_item), rate_item, per_item) * pop_new

    # new hub, known item
    sel = ~hub_known & item_known
    if sel.any():
        extra_k = {}
        extra_n = {}
        for name, by in (
            ("item_nat", ["item"]),
            ("item_rur", ["item", "rurality"]),
            ("item_state", ["item", "state"]),
        ):
            r, grp = _loo_rate(k, by, exclude_own_hub=True)
            extra_k[name] = r
            extra_n[name] = _lookup(grp, rows[sel], by)
        # the item's rate in hubs of each main rurality class, mixed by this hub's shares
        rn = rows[sel].reset_index(drop=True)
        grp_r = _loo_rate(k, ["item", "rurality"], exclude_own_hub=False)[1]
        mix_k = np.zeros(len(k))
        mix_n = np.zeros(len(rn))
        for c in RURALITY_CLASSES:
            rk = _lookup(grp_r, k.assign(rurality=c), ["item", "rurality"])
            own_c = k["rurality"].to_numpy() == c
            # leave the row's own hub out of its own class's rate
            j = k[["item"]].assign(rurality=c).join(grp_r, on=["item", "rurality"])
            dem = j["dem"].to_numpy(dtype=float) - np.where(own_c, k["mean"].to_numpy(), 0.0)
            pop = j["pop"].to_numpy(dtype=float) - np.where(own_c, k["population"].to_numpy(), 0.0)
            with np.errstate(invalid="ignore", divide="ignore"):
                rk = np.where(pop > 0, dem / pop, np.nan)
            rnc = _lookup(grp_r, rn.assign(rurality=c), ["item", "rurality"])
            extra_k[f"item_{c}"] = rk
            extra_n[f"item_{c}"] = rnc
            sk = places.reindex(k["hub"].to_numpy())[f"share_{c}"].to_numpy(dtype=float)
            sn = places.reindex(rn["hub"].to_numpy())[f"share_{c}"].to_numpy(dtype=float)
            mix_k += sk * np.where(np.isfinite(rk), rk, extra_k["item_nat"])
            mix_n += sn * np.where(np.isfinite(rnc), rnc, extra_n["item_nat"])
        extra_k["item_mix"] = mix_k
        extra_n["item_mix"] = mix_n
        x = _features(k, places, items, extra_k)
        xn = _features(rn, places, items, extra_n)
        fc[sel] = _fit_predict(x, k["mean"].to_numpy(dtype=float), xn, seed, _weights(k))
        method[sel] = METHOD_NEW_HUB
    # new item (at a known hub)
    sel_i = hub_known & ~item_known
    if sel_i.any():
        if "category" not in items.columns:
            raise InputError("items", "missing column 'category'", column="category")
        kc = k.assign(category=items.reindex(k["item"].to_numpy())["category"].astype(str).values)
        hub_tot = kc.groupby("hub").agg(dem=("mean", "sum"), n=("mean", "size"))
        hc = kc.groupby(["hub", "category"]).agg(dem=("mean", "sum"), n=("mean", "size"))
        own = kc["mean"].to_numpy(dtype=float)
        pop_k = kc["population"].to_numpy(dtype=float)
        jt = kc.join(hub_tot, on="hub")
        jc = kc.join(hc, on=["hub", "category"])
        with np.errstate(invalid="ignore", divide="ignore"):
            hub_rate_k = (jt["dem"].to_numpy() - own) / np.maximum(jt["n"].to_numpy() - 1, 1)
            cat_rate_k = np.where(
                jc["n"].to_numpy() > 1,
                (jc["dem"].to_numpy() - own) / np.maximum(jc["n"].to_numpy() - 1, 1),
                np.nan,
            )
        rn = rows[sel_i].reset_index(drop=True)
        rn = rn.assign(category=items.reindex(rn["item"].to_numpy())["category"].astype(str).values)
        jtn = rn.join(hub_tot, on="hub")
        jcn = rn.join(hc, on=["hub", "category"])
        pop_n = rn["population"].to_numpy(dtype=float)
        with np.errstate(invalid="ignore", divide="ignore"):
            extra_k = {
                "hub_item_mean": hub_rate_k / pop_k,
                "hub_cat_mean": cat_rate_k / pop_k,
            }
            extra_n = {
                "hub_item_mean": (jtn["dem"] / jtn["n"]).to_numpy(dtype=float) / pop_n,
                "hub_cat_mean": (jcn["dem"] / jcn["n"]).to_numpy(dtype=float) / pop_n,
            }
        x = _features(k, places, items, extra_k)
        xn = _features(rn, places, items, extra_n)
        fc[sel_i] = _fit_predict(x, k["mean"].to_numpy(dtype=float), xn, seed, _weights(k))
        method[sel_i] = METHOD_NEW_ITEM
    # neither branch (hub and item both new, or both known): the population rule
    rest = np.isnan(fc)
    fc[rest] = naive[rest]
    return ColdStartResult(
        forecast=np.repeat(fc[:, None], h, axis=1),
        method=method,
        naive=np.repeat(naive[:, None], h, axis=1),
    )


def naive_population_forecast(
    known: pd.DataFrame, new: pd.DataFrame, places: pd.DataFrame, h: int
) -> np.ndarray:
    """The naive rule alone: item's national demand per resident x hub population."""
    k = _rate_tables(known.reset_index(drop=True), places)
    _, grp = _loo_rate(k, ["item"], exclude_own_hub=False)
    rows = new.reset_index(drop=True).join(places[["population"]], on="hub")
    per_item = float(k["mean"].sum() / k.groupby("hub")["population"].first().sum())
    per_item /= max(k["item"].nunique(), 1)
    r = _lookup(grp, rows, ["item"])
    f = np.where(np.isfinite(r), r, per_item) * rows["population"].to_numpy(dtype=float)
    return np.repeat(f[:, None], h, axis=1)
