"""Budget of the fuzzing harness.

``make test`` runs it at a small fixed budget (a few tens of seconds in all);
``make fuzz`` (or ``HINTERLAND_FUZZ_EXAMPLES=N pytest tests/fuzz``) runs N cases per
property instead. Hypothesis is derandomised here so the CI budget always runs the
same cases; ``HINTERLAND_FUZZ_SEED`` changes them for a long run.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, Phase, settings

#: Cases per property unless ``HINTERLAND_FUZZ_EXAMPLES`` says otherwise.
CI_EXAMPLES = 10

settings.register_profile(
    "hinterland-fuzz",
    max_examples=int(os.environ.get("HINTERLAND_FUZZ_EXAMPLES", CI_EXAMPLES)),
    deadline=None,
    derandomize="HINTERLAND_FUZZ_SEED" not in os.environ,
    database=None,
    # No shrinking: a failing case is reported as found (shrinking CLI runs can take
    # many minutes); set HINTERLAND_FUZZ_SHRINK=1 to shrink.
    phases=(list(Phase) if os.environ.get("HINTERLAND_FUZZ_SHRINK")
            else [Phase.explicit, Phase.reuse, Phase.generate]),
    report_multiple_bugs=False,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                           HealthCheck.data_too_large, HealthCheck.filter_too_much],
)
