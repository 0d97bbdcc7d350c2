"""Scenario files: defaults, overrides, clear errors."""

from __future__ import annotations

import pytest

from hinterland.core.errors import InputError
from hinterland.scenario import Scenario, load_scenario


def test_defaults_match_travel_model():
    tm = Scenario().travel.model()
    assert tm.circuity["rural"] == 1.35 and tm.access_min == 5.0


def test_partial_override(tmp_path):
    p = tmp_path / "s.toml"
    p.write_text('name = "mt"\nseed = 3\n[travel]\naccess_min = 4\ncircuity = { rural = 1.4 }\n')
    s = load_scenario(p)
    tm = s.travel.model()
    assert s.seed == 3 and tm.circuity["rural"] == 1.4 and tm.circuity["metro"] == 1.2
    assert tm.access_min == 4


@pytest.mark.parametrize(
    ("body", "key"),
    [
        ("[travel]\naccess_min = -1\n", "travel.access_min"),
        ("[travel]\ncircuity = { suburb = 1.1 }\n", "travel.circuity"),
        ("[travell]\n", "travell"),
    ],
)
def test_bad_values_name_the_key(tmp_path, body, key):
    p = tmp_path / "s.toml"
    p.write_text(body)
    with pytest.raises(InputError) as info:
        load_scenario(p)
    assert info.value.column == key and "s.toml" in str(info.value)


def test_unparseable(tmp_path):
    p = tmp_path / "s.toml"
    p.write_text("name = \n")
    with pytest.raises(InputError, match="cannot read scenario"):
        load_scenario(p)


def test_demand_section(tmp_path):
    p = tmp_path / "s.toml"
    p.write_text("[demand]\nmarket_share = 0.1\n")
    assert load_scenario(p).demand_rates().market_share == 0.1
    p.write_text("[demand]\nmarket_shares = 0.1\n")
    with pytest.raises(InputError, match="unknown demand settings"):
        load_scenario(p)
