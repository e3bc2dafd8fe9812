"""RFM scores, the cell grid and the Pareto share."""

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from services.analytics.domain import rfm
from shared.events.analytics import RfmCell

TODAY = date(2026, 12, 1)


def test_every_score_pair_has_exactly_one_cell() -> None:
    for recency in range(1, 6):
        for fm in range(1, 6):
            matches = [c for r, f, c in rfm.GRID if recency in r and fm in f]
            assert len(matches) == 1, (recency, fm, matches)
    assert {c for _, _, c in rfm.GRID} == set(RfmCell)


def test_named_corners_of_the_grid() -> None:
    assert rfm.cell(5, 5) is RfmCell.CHAMPIONS
    assert rfm.cell(5, 1) is RfmCell.NEW
    assert rfm.cell(1, 5) is RfmCell.CANNOT_LOSE
    assert rfm.cell(1, 1) is RfmCell.LOST
    assert rfm.cell(2, 1) is RfmCell.HIBERNATING
    assert rfm.cell(2, 3) is RfmCell.AT_RISK


def population(n: int) -> list[rfm.Measures]:
    return [rfm.Measures(recency_days=i, frequency=i, monetary_minor=i * 100) for i in range(n)]


def test_quintiles_split_an_even_population_into_fifths() -> None:
    people = population(100)
    bounds = rfm.boundaries(people)
    scores = [rfm.score(m, bounds) for m in people]
    for level in range(1, 6):
        assert sum(s.frequency == level for s in scores) == 20
        assert sum(s.monetary == level for s in scores) == 20
        assert sum(s.recency == level for s in scores) == 20
    most_recent = rfm.score(people[0], bounds)
    assert most_recent.recency == 5
    assert most_recent.frequency == 1


def test_measures_from_purchase_days() -> None:
    days = {date(2026, 11, 1): 1000, date(2026, 11, 21): 250}
    assert rfm.measures(days, TODAY) == rfm.Measures(10, 2, 1250)
    assert rfm.measures({}, TODAY) is None


@given(st.lists(st.integers(min_value=0, max_value=10**9), min_size=1, max_size=200))
def test_pareto_share_is_a_share_at_least_the_top_fraction(revenues: list[int]) -> None:
    share = rfm.pareto_share(revenues)
    if sum(revenues) == 0:
        assert share is None
        return
    assert share is not None
    assert 0.2 - 1e-9 <= share <= 1.0 + 1e-9


def test_pareto_share_of_a_skewed_population() -> None:
    assert rfm.pareto_share([80, 5, 5, 5, 5]) == 0.8
    assert rfm.pareto_share([10] * 10) == 0.2
