"""Money is integer minor units plus an ISO 4217 code; there is no floating point anywhere."""

from typing import Annotated

from pydantic import AfterValidator, Field, Strict

# ISO 4217 active codes (2024 list). Kept here so validation needs no network or extra package.
ISO_4217 = frozenset(
    """
    AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP
    BYN BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP
    GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR
    KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK
    MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR
    SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS
    UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG
    """.split()  # noqa: SIM905 - a compact table reads better than 180 lines
)


def _known_currency(code: str) -> str:
    if code not in ISO_4217:
        raise ValueError(f"{code!r} is not an ISO 4217 currency code")
    return code


CurrencyCode = Annotated[
    str, Field(min_length=3, max_length=3, pattern=r"^[A-Z]{3}$"), AfterValidator(_known_currency)
]
# 10^15 fits a signed 64-bit integer with room to spare: a lifetime value summing 9,000 of the
# largest amounts still fits the 64-bit integers BSON stores. `true`, `"100"` and `1.0` are refused.
AMOUNT_MAX = 10**15
AmountMinor = Annotated[
    int, Strict(), Field(ge=0, le=AMOUNT_MAX, description="amount in minor units, 0 to 10^15")
]
