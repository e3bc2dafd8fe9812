"""ISO 4217 exponents as the API states them beside amounts."""

from services.projections.entrypoints.http.schemas import Money
from shared.money import exponent, exponents


def test_exponents_come_from_iso_4217_not_from_a_browser() -> None:
    assert [exponent(c) for c in ("EUR", "USD", "IRR", "JPY", "KWD")] == [2, 2, 2, 0, 3]


def test_a_code_without_minor_units_or_unknown_has_no_exponent() -> None:
    assert exponent("XAU") is None
    assert exponent("ABC") is None
    assert exponents(["EUR", "ABC"]) == {"EUR": 2}


def test_a_timeline_amount_carries_its_exponent() -> None:
    data = {"amount_minor": 12900, "currency": "EUR", "items": []}
    assert Money.of(data) == Money(amount_minor=12900, currency="EUR", exponent=2)
    assert Money.of({"text": "a note"}) is None
    assert Money.of(None) is None
