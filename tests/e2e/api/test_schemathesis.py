"""schemathesis over the OpenAPI documents of all four HTTP services, against real processes on
the real broker and store: whatever the generated input, no answer is a 5xx.

The number of examples per operation is bounded (`C360_SCHEMATHESIS_EXAMPLES`, default 20) so
the run fits `make test`; the counts are printed (run with `-s` to see them).
"""

import os
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.core.result import Ok
from schemathesis.schemas import APIOperation

from shared.settings import Settings
from tests.processes import running

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(1800)]
SERVICES = ("contacts", "interactions", "projections", "notifier")
EXAMPLES = int(os.environ.get("C360_SCHEMATHESIS_EXAMPLES", "20"))


@dataclass
class Tally:
    operations: int = 0
    examples: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    server_errors: list[str] = field(default_factory=list)


def exercise(operation: APIOperation[Any, Any, Any, Any], base_url: str, tally: Tally) -> None:
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(operation.as_strategy())
    def call(case: Any) -> None:
        # generous: eight people share two cores; a slow answer is not what this test measures
        response = case.call(base_url=base_url, timeout=180)
        tally.examples += 1
        tally.statuses[response.status_code] += 1
        if response.status_code >= 500:
            tally.server_errors.append(
                f"{operation.label} -> {response.status_code}: {case.as_curl_command()}\n"
                f"{response.text[:300]}"
            )

    call()
    tally.operations += 1


def test_no_input_makes_any_service_answer_5xx(settings: Settings) -> None:
    tallies: dict[str, Tally] = {}
    with running(settings, *SERVICES) as urls:
        for name in SERVICES:
            schema = schemathesis.openapi.from_url(f"{urls[name]}/openapi.json")
            tally = tallies[name] = Tally()
            for result in schema.get_all_operations():
                assert isinstance(result, Ok), f"{name}: the OpenAPI document is invalid: {result}"
                operation = result.ok()
                if not operation.path.endswith("/stream"):  # server-sent events never end
                    exercise(operation, urls[name], tally)
    for name, tally in tallies.items():
        print(
            f"schemathesis {name}: {tally.operations} operations, {tally.examples} examples, "
            f"statuses {dict(sorted(tally.statuses.items()))}, 5xx {len(tally.server_errors)}"
        )
    errors = [e for tally in tallies.values() for e in tally.server_errors]
    assert all(t.operations > 0 and t.examples >= t.operations for t in tallies.values())
    assert errors == [], "\n\n".join(errors[:20])
