"""Answering KPI requests: sum the partitions' aggregates, then compute the KPI in Python."""

from collections.abc import Callable, Mapping
from typing import Any

from services.kpis.domain import base_kpis, experience_kpis, value_kpis
from services.kpis.domain.cells import summed
from services.kpis.domain.ranges import DateRange
from services.kpis.service_layer.ports import KpiStore

FromCells = Callable[[Mapping[str, int], DateRange, "Options"], dict[str, Any]]


class Options:
    def __init__(self, currency: str, churn_below: float) -> None:
        self.currency = currency
        self.churn_below = churn_below


FROM_CELLS: dict[str, FromCells] = {
    "retention": lambda c, w, o: base_kpis.retention(c, w),
    "repeat-purchase": lambda c, w, o: base_kpis.repeat_purchase(c, w),
    "conversion": lambda c, w, o: base_kpis.conversion(c, w),
    "acquisition-cost": lambda c, w, o: base_kpis.acquisition_cost(c, w),
    "satisfaction": lambda c, w, o: experience_kpis.satisfaction(c, w),
    "complaints-sla": lambda c, w, o: experience_kpis.complaints_within_sla(c, w),
    "churn": lambda c, w, o: experience_kpis.churn(c, w, o.churn_below),
    "clv": lambda c, w, o: value_kpis.clv_distribution(c, w, o.currency),
}
KPI_NAMES = (*FROM_CELLS, "pareto")


class KpiQueries:
    def __init__(self, store: KpiStore, churn_below: float) -> None:
        self.store = store
        self.churn_below = churn_below

    async def answer(self, kpi: str, window: DateRange, currency: str = "USD") -> dict[str, Any]:
        """The KPI's JSON with the range it covers. `kpi` is one of `KPI_NAMES`."""
        if kpi == "pareto":
            purchases = await self.store.all_purchases()
            revenue = [value_kpis.revenue_in(p, window, currency) for p in purchases]
            figures = value_kpis.pareto(revenue, currency)
        else:
            cells = summed(a.cells for a in await self.store.all_aggregates())
            figures = FROM_CELLS[kpi](cells, window, Options(currency, self.churn_below))
        return {
            "kpi": kpi,
            "from": window.start.isoformat(),
            "to": window.end.isoformat(),
            **figures,
        }

    async def all(self, window: DateRange, currency: str = "USD") -> dict[str, dict[str, Any]]:
        """Every KPI at once (the dashboard), reading the aggregates once."""
        cells = summed(a.cells for a in await self.store.all_aggregates())
        options = Options(currency, self.churn_below)
        out = {name: compute(cells, window, options) for name, compute in FROM_CELLS.items()}
        purchases = await self.store.all_purchases()
        revenue = [value_kpis.revenue_in(p, window, currency) for p in purchases]
        out["pareto"] = value_kpis.pareto(revenue, currency)
        return out
