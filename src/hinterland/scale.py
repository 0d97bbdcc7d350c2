"""Scale-out on Dask distributed: a LocalCluster by default, a scheduler address for a cluster.

Every stage that fans work out (sector routing, per-hub forecasting) asks for a
client here, so the same code path runs on one machine and on a real cluster.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from hinterland.core.errors import HinterlandError


@contextmanager
def dask_client(
    scheduler: str | None = None,
    *,
    workers: int | None = None,
    threads_per_worker: int = 1,
    processes: bool = True,
    timeout_s: float = 10.0,
) -> Iterator[Any]:
    """Yield a ``dask.distributed.Client``; close what this call started on exit.

    Parameters
    ----------
    scheduler
        Address of a running scheduler (``tcp://host:8786``); ``None`` starts a
        ``LocalCluster`` on this machine.
    workers
        LocalCluster workers (default: one per core).
    threads_per_worker
        Threads per LocalCluster worker (1 suits GIL-holding solvers).
    processes
        LocalCluster workers as processes (``True``) or threads.
    timeout_s
        How long to try reaching ``scheduler``.

    Raises
    ------
    HinterlandError
        The scheduler cannot be reached.
    """
    from dask.distributed import Client, LocalCluster

    if scheduler:
        try:
            client = Client(scheduler, timeout=f"{timeout_s}s")
        except OSError as exc:
            raise HinterlandError(f"cannot reach Dask scheduler {scheduler}: {exc}") from exc
        try:
            yield client
        finally:
            client.close()
        return
    cluster = LocalCluster(
        n_workers=workers,
        threads_per_worker=threads_per_worker,
        processes=processes,
        dashboard_address=None,
    )
    client = Client(cluster)
    try:
        yield client
    finally:
        client.close()
        cluster.close()
