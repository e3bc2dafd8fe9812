"""`c360 import`: the CSV column mapping and deterministic event ids."""

import pytest

from services.ops.importing.lines import csv_lines, json_lines
from services.ops.importing.mapping import MappingError
from services.ops.importing.settings import load_mapping
from shared.events.history import IMPORT_MARKER

CDNOW = b" 00004 0001 19970101  2   29.33\n 00004 0001 19970118  2   29.72\n"
CDNOW_MAP = "customer.external_ids.shop=2,time=3,quantity=4,amount=5"
SHOP_CSV = b"customer,email,date,amount,currency\nA1,a@x.org,2025-05-01T10:00:00+02:00,1500,EUR\n"


def cdnow_mapping(**options: object):  # type: ignore[no-untyped-def]
    base = {"header": False, "delimiter": "whitespace", "date_format": "%Y%m%d"}
    return load_mapping(None, CDNOW_MAP, **{**base, **options})


def test_cdnow_line_becomes_a_purchase_in_minor_units() -> None:
    first, second = csv_lines(CDNOW, cdnow_mapping())
    assert first.event is not None
    assert second.event is not None
    assert first.event["type"] == "c360.interaction.purchase"
    assert first.event["time"] == "1997-01-01T00:00:00+00:00"
    assert first.event["data"]["customer"] == {"external_ids": {"shop": "0001"}}
    assert first.event["data"]["amount_minor"] == 2933
    assert first.event["data"]["currency"] == "USD"
    assert "items" not in first.event["data"]  # 2933 cents do not split into 2 whole prices
    assert second.event["data"]["items"] == [
        {"sku": "item", "quantity": 2, "unit_price_minor": 1486}
    ]


def test_header_names_minor_units_currency_column_and_offset_times() -> None:
    mapping = load_mapping(
        None,
        "customer.external_ids.shop=customer,customer.email=email,time=date,"
        "amount=amount,currency=currency",
        amount_units="minor",
    )
    [line] = csv_lines(SHOP_CSV, mapping)
    assert line.number == 2
    assert line.event is not None
    data = line.event["data"]
    assert data["customer"] == {"external_ids": {"shop": "A1"}, "email": "a@x.org"}
    assert (data["amount_minor"], data["currency"]) == (1500, "EUR")
    assert line.event["time"] == "2025-05-01T10:00:00+02:00"


def test_ids_depend_on_content_and_line_only() -> None:
    once = [line.event for line in csv_lines(CDNOW, cdnow_mapping())]
    again = [line.event for line in csv_lines(CDNOW, cdnow_mapping())]
    assert once == again
    assert once[0] is not None
    assert once[1] is not None
    assert once[0]["id"] != once[1]["id"]
    assert once[0]["id"].endswith("-1")
    assert once[1]["id"].endswith("-2")
    other = [line.event for line in csv_lines(CDNOW + CDNOW, cdnow_mapping())]
    assert other[0] is not None
    assert other[0]["id"] != once[0]["id"]
    assert once[0][IMPORT_MARKER] == once[1][IMPORT_MARKER]


def test_bad_lines_are_reported_with_their_number_and_reason() -> None:
    content = CDNOW + b" 00005 0002 1997-02-01  1   9.99\n 00006 0003 19970201  1   9.999\n"
    lines = list(csv_lines(content, cdnow_mapping()))
    assert [(line.number, line.error is None) for line in lines] == [
        (1, True),
        (2, True),
        (3, False),
        (4, False),
    ]
    assert "does not match %Y%m%d" in str(lines[2].error)
    assert "minor units" in str(lines[3].error)


def test_json_lines_keep_given_ids_and_number_the_rest() -> None:
    content = b'{"id": "mine", "type": "c360.interaction.note"}\n\n{"type": "x"}\nnot json\n'
    lines = list(json_lines(content))
    assert [line.number for line in lines] == [1, 3, 4]
    assert lines[0].event is not None
    assert lines[0].event["id"] == "mine"
    assert lines[1].event is not None
    assert lines[1].event["id"].endswith("-3")
    assert lines[2].error is not None
    assert lines[2].error.startswith("not valid JSON")


@pytest.mark.parametrize(
    ("pairs", "options", "message"),
    [
        ("time=3,amount=5", {"header": False}, "customer.<identifier>"),
        (CDNOW_MAP + ",colour=1", {"header": False}, "unknown field(s) colour"),
        ("customer.email=mail,time=date,amount=amount", {"header": False}, "by number"),
        (CDNOW_MAP, {"header": False, "amount_units": "cents"}, "major"),
        (CDNOW_MAP, {"header": False, "timezone": "Mars/Olympus"}, "unknown timezone"),
    ],
)
def test_unusable_mappings_are_refused(
    pairs: str, options: dict[str, object], message: str
) -> None:
    with pytest.raises(MappingError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_mapping(None, pairs, **options)


def test_mapping_file_with_command_line_override(tmp_path) -> None:  # type: ignore[no-untyped-def]
    file = tmp_path / "shop.toml"
    file.write_text(
        'header = false\ndelimiter = "whitespace"\ndate_format = "%Y%m%d"\ncurrency = "EUR"\n'
        '[columns]\n"customer.external_ids.shop" = "2"\ntime = "3"\namount = "5"\n'
    )
    mapping = load_mapping(file, None, currency="GBP", header=None)
    [first, _] = csv_lines(CDNOW, mapping)
    assert first.event is not None
    assert first.event["data"]["currency"] == "GBP"


def test_json_lines_without_a_source_take_the_imports_and_keep_their_own() -> None:
    content = b'{"id": "mine", "source": "adapters/crm"}\n{"id": "mine"}\n{}\n'
    default = [line.event for line in json_lines(content)]
    named = [line.event for line in json_lines(content, "legacy/shop")]
    assert [e["source"] for e in default if e] == ["adapters/crm", "c360/import", "c360/import"]
    assert [e["source"] for e in named if e] == ["adapters/crm", "legacy/shop", "legacy/shop"]
    # `source` + `id` is the event: the same lines under another source are other events
    assert [(e["source"], e["id"]) for e in default if e][1:] != [
        (e["source"], e["id"]) for e in named if e
    ][1:]
    assert default == [line.event for line in json_lines(content)]  # a rerun: the same events
