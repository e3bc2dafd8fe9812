"""A small shop adapter: orders from a CSV export become `c360.interaction.purchase` events.

    uv run python examples/shop_adapter/adapter.py examples/shop_adapter/orders.csv

It is what every adapter does, in one file you can copy (it uses only httpx, not c360's code):
1. sign in with its own client credentials (`adapter-shop`; may publish for `adapters/shop...`);
2. map each order (its lines grouped by `order_id`) to a CloudEvent whose `id` is derived from
   the order, so running it again has no second effect (c360 answers the original result);
3. post them in batches to `POST /v1/events/batch` and read one answer per event: 202 accepted,
   503 retried with the same ids, anything else printed with the fields c360 names.
Exit code 0 when every order was accepted, 1 otherwise.
"""

import argparse
import csv
import os
import sys
import time
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx

SOURCE = "adapters/shop/csv"
# ISO 4217 minor-unit exponents of the currencies this shop sells in
EXPONENT = {"EUR": 2, "USD": 2, "GBP": 2, "IRR": 2, "JPY": 0}
RETRIES = 3


def minor_units(price: str, currency: str) -> int:
    """`7.50` EUR -> 750; a price finer than the currency allows is an error, never rounded."""
    scaled = Decimal(price) * 10 ** EXPONENT[currency]
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{price} {currency} has more decimals than the currency")
    return int(scaled)


def purchases(path: Path) -> list[dict[str, Any]]:
    """One purchase event per order; the first line of an order gives who and when."""
    lines: dict[str, list[dict[str, str]]] = defaultdict(list)
    with path.open(newline="", encoding="utf-8") as file:
        for row in csv.DictReader(file):
            lines[row["order_id"]].append(row)
    return [purchase(order_id, rows) for order_id, rows in lines.items()]


def purchase(order_id: str, rows: list[dict[str, str]]) -> dict[str, Any]:
    first, currency = rows[0], rows[0]["currency"]
    customer = {k: first[k] for k in ("email", "phone") if first[k]}
    items = [
        {
            "sku": r["sku"],
            "quantity": int(r["quantity"]),
            "unit_price_minor": minor_units(r["unit_price"], currency),
        }
        for r in rows
    ]
    return {
        "specversion": "1.0",
        "id": f"shop-csv-{order_id}",
        "source": SOURCE,
        "type": "c360.interaction.purchase",
        "time": first["ordered_at"],
        "data": {
            "customer": customer,
            "order_id": order_id,
            "amount_minor": sum(i["quantity"] * i["unit_price_minor"] for i in items),
            "currency": currency,
            "items": items,
        },
    }


def token(args: argparse.Namespace) -> str | None:
    if args.no_auth:
        return None
    answer = httpx.post(
        args.token_url,
        data={
            "grant_type": "client_credentials",
            "client_id": args.client_id,
            "client_secret": args.client_secret,
        },
        timeout=30,
    )
    answer.raise_for_status()
    return str(answer.json()["access_token"])


def publish(client: httpx.Client, events: list[dict[str, Any]]) -> list[str]:
    """Post until nothing is left to retry; the lines to print for what c360 refused."""
    refused: list[str] = []
    pending = events
    for attempt in range(1, RETRIES + 1):
        answer = client.post("/v1/events/batch", json=pending)
        if answer.status_code not in (202, 207):
            answer.raise_for_status()
        retry = []
        for result in answer.json()["results"]:
            event = pending[result["index"]]
            if result["status"] == 202:
                how = "already sent" if result.get("replayed") else "accepted"
                print(f"{event['id']}: {how} (customer {result['customer_id']})")
            elif result["status"] == 503 and attempt < RETRIES:
                retry.append(event)
            else:
                fields = "; ".join(f"{e['field']}: {e['reason']}" for e in result.get("errors", []))
                refused.append(f"{event['id']}: {result['status']} {result.get('detail')} {fields}")
        if not retry:
            break
        pending = retry
        time.sleep(attempt)
    return refused


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("orders", type=Path, help="CSV: order_id,ordered_at,email,phone,sku,...")
    parser.add_argument(
        "--url", default=os.environ.get("C360_INTERACTIONS_URL", "http://127.0.0.1:8002")
    )
    parser.add_argument(
        "--token-url",
        default="http://127.0.0.1:8080/realms/c360/protocol/openid-connect/token",
    )
    parser.add_argument("--client-id", default="adapter-shop")
    parser.add_argument("--client-secret", default=os.environ.get("SHOP_SECRET", "adapter-shop"))
    parser.add_argument("--no-auth", action="store_true", help="for C360_AUTH_ENABLED=false")
    args = parser.parse_args()
    bearer = token(args)
    headers = {"authorization": f"Bearer {bearer}"} if bearer else {}
    with httpx.Client(base_url=args.url, headers=headers, timeout=60) as client:
        refused = publish(client, purchases(args.orders))
    for line in refused:
        print(f"refused {line}", file=sys.stderr)
    return 1 if refused else 0


if __name__ == "__main__":
    sys.exit(main())
