"""Dask scale-out: the same code path on a LocalCluster and on a scheduler address."""

from __future__ import annotations

import pytest

from hinterland.core.errors import HinterlandError
from hinterland.scale import dask_client


def _square(x: int) -> int:
    return x * x


def test_local_cluster_and_scheduler_address():
    with dask_client(workers=1, processes=False) as local:
        assert local.gather(local.map(_square, range(5))) == [0, 1, 4, 9, 16]
        address = local.scheduler.address
        with dask_client(address) as remote:
            assert remote.submit(_square, 7).result() == 49


def test_unreachable_scheduler_is_a_clear_error():
    with (
        pytest.raises(HinterlandError, match="cannot reach Dask scheduler"),
        dask_client("tcp://127.0.0.1:9", timeout_s=1),
    ):
        pass
