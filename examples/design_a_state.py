"""Worked example 1: design a state -- where new rural hybrid hubs go and what they change.

Chooses up to four new hybrid hubs (stations with local stock) in Wyoming that
bring the most rurality-weighted people to next-day delivery, over the national
demo network (real fulfillment centers and post offices), with a certified MILP.
Prints the population by promise class before and after, the chosen sites, and
writes the per-ZIP classes and the sites as GeoJSON (open them in QGIS or
kepler.gl).

Run from anywhere::

    python examples/design_a_state.py [OUT_DIR]
"""

from __future__ import annotations

import sys
from pathlib import Path

import hinterland as hl


def main(out_dir: Path) -> hl.Plan:
    """Design Wyoming's new hubs; write ``zips.geojson`` and ``sites.geojson``."""
    plan = hl.Plan().region(["WY"])
    plan = plan.design(hl.DesignSpec(max_count=4, target_class="next_day", time_limit=30.0))
    result = plan.design_result
    assert result is not None
    table = result.zips
    by_class = (
        table.groupby("class_before")["population"].sum().rename("before").to_frame()
        .join(table.groupby("class_after")["population"].sum().rename("after"), how="outer")
        .fillna(0).astype(int)
    )
    print(f"Wyoming: {len(table):,} ZIP areas, {int(table['population'].sum()):,} people")
    print(by_class.to_string())
    print(result.sites[["rank", "id", "lat", "lon", "population_served", "cost_usd"]]
          .to_string(index=False))
    cert = result.certificate
    print(f"certificate: verified={cert.verified} gap={cert.gap:.2e} seconds={cert.seconds:.1f}")
    out_dir.mkdir(parents=True, exist_ok=True)
    hl.write_geojson(table, out_dir / "zips.geojson")
    hl.write_geojson(result.sites, out_dir / "sites.geojson", key="id")
    print(f"wrote {out_dir / 'zips.geojson'} and {out_dir / 'sites.geojson'}")
    return plan


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("out/design_a_state"))
