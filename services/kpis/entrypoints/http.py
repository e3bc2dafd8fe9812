"""The KPI API: `GET /v1/kpis/<kpi>?from=YYYY-MM-DD&to=YYYY-MM-DD`, one route per KPI."""

from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request

from services.kpis.domain.ranges import BadRange, DateRange
from services.kpis.entrypoints.definitions import DEFINITIONS
from services.kpis.service_layer.queries import KpiQueries
from shared.http.problems import Problem

DEFAULT_DAYS = 365
router = APIRouter(prefix="/v1/kpis", tags=["kpis"])


def queries_of(request: Request) -> KpiQueries:
    queries: KpiQueries = request.app.state.queries
    return queries


def window_of(
    start: Annotated[date | None, Query(alias="from", description="first day, UTC")] = None,
    end: Annotated[date | None, Query(alias="to", description="last day, UTC")] = None,
) -> DateRange:
    """The requested range; by default the last 365 days up to today."""
    end = end or datetime.now(UTC).date()
    start = start or end - timedelta(days=DEFAULT_DAYS - 1)
    try:
        return DateRange.of(start, end)
    except BadRange as bad:
        raise Problem(
            422, "invalid date range", errors=[{"field": bad.field, "reason": bad.reason}]
        ) from None


QueriesDep = Annotated[KpiQueries, Depends(queries_of)]
WindowDep = Annotated[DateRange, Depends(window_of)]
Currency = Annotated[str, Query(pattern=r"^[A-Z]{3}$", description="ISO 4217 code")]


@router.get("", summary="The KPIs and their definitions")
async def list_kpis() -> dict[str, Any]:
    return {
        "kpis": [
            {"name": n, "href": f"/v1/kpis/{n}", "definition": d} for n, d in DEFINITIONS.items()
        ]
    }


def _route(name: str) -> None:
    async def answer(
        queries: QueriesDep, window: WindowDep, currency: Currency = "USD"
    ) -> dict[str, Any]:
        return await queries.answer(name, window, currency)

    router.add_api_route(
        f"/{name}",
        answer,
        methods=["GET"],
        summary=name,
        description=DEFINITIONS[name],
        name=f"kpi_{name}",
    )


for _name in DEFINITIONS:
    _route(_name)
