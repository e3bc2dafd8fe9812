"""ISO 4217 minor units: how many decimals a currency's integer minor units stand for.

The API states the exponent beside every amount, so no client guesses it (browsers use CLDR,
which says 0 for IRR where ISO 4217 says 2)."""

from iso4217 import Currency


def exponent(currency: str) -> int | None:
    """The ISO 4217 exponent (EUR 2, JPY 0, KWD 3); None for a code without one (XAU) or unknown."""
    try:
        return Currency(currency).exponent
    except ValueError:
        return None


def exponents(currencies: list[str]) -> dict[str, int]:
    """Currency -> exponent for each code that has one."""
    known = {code: exponent(code) for code in currencies}
    return {code: digits for code, digits in known.items() if digits is not None}
