"""The pure KPI computations: ranges, cells, Pareto, NPS, escaping of free text."""

from collections import Counter
from datetime import date

import pytest

from services.kpis.domain.base_kpis import next_month, retention
from services.kpis.domain.cells import cell, escape, split, unescape
from services.kpis.domain.experience_kpis import nps_of
from services.kpis.domain.ranges import BadRange, DateRange, per_period
from services.kpis.domain.value_kpis import pareto


def test_a_range_ending_before_it_starts_names_the_field() -> None:
    with pytest.raises(BadRange) as caught:
        DateRange.of(date(2026, 3, 1), date(2026, 2, 1))
    assert caught.value.field == "to"


def test_a_range_longer_than_ten_years_is_refused() -> None:
    with pytest.raises(BadRange):
        DateRange.of(date(2010, 1, 1), date(2026, 1, 1))


def test_short_ranges_are_daily_and_long_ones_monthly() -> None:
    week = DateRange.of(date(2026, 3, 1), date(2026, 3, 7))
    assert week.granularity == "day"
    assert week.periods()[0] == "2026-03-01"
    assert len(week.periods()) == 7
    year = DateRange.of(date(2026, 1, 1), date(2026, 12, 31))
    assert year.periods() == [f"2026-{m:02d}" for m in range(1, 13)]


def test_cells_outside_the_range_are_left_out() -> None:
    cells = Counter({cell("new", "2026-02-28"): 2, cell("new", "2026-03-01"): 3})
    assert per_period(cells, "new", DateRange.of(date(2026, 3, 1), date(2026, 3, 31))) == {
        "2026-03-01": 3
    }


def test_free_text_with_dots_and_separators_makes_a_safe_key() -> None:
    name = "spring.sale|2026 $50%"
    key = cell("acq", "2026-03-01", escape(name))
    assert "." not in key
    assert "$" not in key
    assert unescape(split(key)[2]) == name


def test_next_month_rolls_over_the_year() -> None:
    assert next_month("2026-12") == "2027-01"
    assert next_month("2026-01") == "2026-02"


def test_an_empty_cohort_has_no_rates() -> None:
    window = DateRange.of(date(2026, 1, 1), date(2026, 2, 28))
    assert retention(Counter(), window)["cohorts"][0]["rates"] == [None, None]


def test_pareto_of_one_big_and_four_small_customers() -> None:
    figures = pareto([9000, 250, 250, 250, 250, 0], "USD")
    assert figures["customers"] == 5  # a customer without revenue is not ranked
    assert figures["top_20_percent_share"] == 0.9
    assert figures["curve"][0]["revenue_share"] == 0.0
    assert figures["curve"][-1]["revenue_share"] == 1.0


@pytest.mark.parametrize(
    ("promoters", "detractors", "answers", "nps"),
    [(5, 0, 5, 100.0), (0, 4, 4, -100.0), (2, 1, 4, 25.0), (0, 0, 0, None)],
)
def test_nps_is_promoters_minus_detractors(
    promoters: int, detractors: int, answers: int, nps: float | None
) -> None:
    assert nps_of(promoters, detractors, answers) == nps
