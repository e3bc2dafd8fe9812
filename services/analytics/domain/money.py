"""Minor units to major units for the models (spend is modelled in the currency's own unit)."""

# ISO 4217 currencies whose minor unit is not 1/100 (the rest have two decimals).
_NO_DECIMALS = frozenset(
    "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX VND VUV XAF XOF XPF".split()  # noqa: SIM905
)
_THREE_DECIMALS = frozenset(["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"])


def exponent(currency: str) -> int:
    if currency in _NO_DECIMALS:
        return 0
    return 3 if currency in _THREE_DECIMALS else 2


def to_major(amount_minor: int, currency: str) -> float:
    return amount_minor / 10.0 ** exponent(currency)


def to_minor(amount_major: float, currency: str) -> int:
    return round(amount_major * 10.0 ** exponent(currency))
