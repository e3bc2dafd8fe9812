"""`c360`: the operator's command line. `c360 --help` lists the commands.

Every command reads the same C360_* settings as the services, talks to the real broker, store and
services, and reports a failure as one red line and a non-zero exit, never a traceback.
"""

import asyncio
import contextlib
import dataclasses
import os
import sys
from collections.abc import Coroutine
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, TypeVar

import orjson
import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from services.ops import deadletters, health, resealing, tail
from services.ops.erasure import command as erasure
from services.ops.importing.command import import_history
from services.ops.keys import keys
from services.ops.service_calls import call_service
from services.ops.settings import ops_settings
from services.ops.webhook_keys import webhook_key
from shared.auth.client import TokenRefused, demo_user_token
from shared.auth.roles import Role
from shared.kafka import ensure_topics
from shared.topics import CATALOG, Topics

app = typer.Typer(
    help="Operate c360: health, lag, topics, dead letters, rebuilds, erasure, history import.",
    no_args_is_help=True,
    add_completion=False,
)
dlq = typer.Typer(help="Inspect dead letters and send them back through ingress.")
app.add_typer(dlq, name="dlq")
app.add_typer(webhook_key, name="webhook-key")
app.add_typer(keys, name="keys")
app.command("import")(import_history)


@app.command(
    "rebuild",
    context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
    add_help_option=False,
)
def rebuild(ctx: typer.Context) -> None:
    """Rebuild the customer-360 projection from the log (options: `c360 rebuild --help`)."""
    # The projection owns its collections, so its own command does the work; this one hands over.
    command = [sys.executable, "-m", "services.projections.rebuild", *ctx.args]
    os.execv(sys.executable, command)


@app.command(
    "rebuild-analytics",
    context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
    add_help_option=False,
)
def rebuild_analytics(ctx: typer.Context) -> None:
    """Rebuild the analytics purchase histories from the log (`--no-switch` builds only)."""
    command = [sys.executable, "-m", "services.analytics.rebuild", *ctx.args]
    os.execv(sys.executable, command)


console = Console()
T = TypeVar("T")


def run(work: Coroutine[Any, Any, T], doing: str) -> T:
    """Run `work`; any failure becomes one readable line and exit code 1."""
    try:
        return asyncio.run(work)
    except Exception as exc:  # the operator gets the reason, not a traceback
        console.print(f"[red]{doing} failed: {exc or type(exc).__name__}[/]")
        raise typer.Exit(1) from exc


@app.callback()
def main() -> None:
    """Settings come from C360_* environment variables (see the README)."""


@app.command()
def topics() -> None:
    """Create the catalog's topics that are missing, then list the catalog."""
    settings = ops_settings()
    created = run(ensure_topics(settings), f"reaching Kafka at {settings.kafka_bootstrap}")
    names = Topics.from_settings(settings)
    for spec in CATALOG:
        mark = "created" if names.name(spec) in created else "exists"
        console.print(f"  {names.name(spec):<28} {mark:<8} key: {spec.key}")


@app.command()
def status(
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON document")] = False,
) -> None:
    """Health of every service, Kafka and the store (a consumer with lag that commits nothing
    shows as stalled); consumer-group lag per partition. Exits 1 unless everything is ready."""
    checks, lags = asyncio.run(health.survey(ops_settings()))
    failed = asyncio.run(health.failed_notifications(ops_settings()))
    if as_json:
        document = {**status_document(checks, lags), "failed_notifications": failed}
        print(orjson.dumps(document, option=orjson.OPT_INDENT_2).decode())
    else:
        console.print(health_table(checks))
        console.print(lag_table(lags))
        count = "unknown" if failed is None else str(failed)
        console.print(f"notifications failed for good (c360.notifications.failed): {count}")
    if not all(c.ok for c in checks):
        raise typer.Exit(1)


def status_document(checks: list[health.Check], lags: list[health.Lag]) -> dict[str, object]:
    return {
        "ready": all(c.ok for c in checks),
        "stalled": [c.name for c in checks if c.stalled],
        "components": [
            {"name": c.name, "state": c.state, "detail": c.detail, "where": c.target}
            for c in checks
        ],
        "lag": [{**dataclasses.asdict(lag), "records": lag.records} for lag in lags],
    }


def health_table(checks: list[health.Check]) -> Table:
    table = Table(title="c360 health")
    for column in ("component", "state", "detail", "where"):
        table.add_column(column)
    for check in checks:
        colour = "green" if check.ok else "red"
        state = f"[{colour}]{check.state}[/]"
        table.add_row(check.name, state, f"[{colour}]{check.detail}[/]", check.target)
    return table


def lag_table(lags: list[health.Lag]) -> Table:
    table = Table(title="consumer-group lag (records not yet processed)")
    for column in ("group", "topic", "partition", "committed", "end", "lag"):
        table.add_column(
            column, justify="right" if column in ("partition", "end", "lag") else "left"
        )
    for lag in lags:
        colour = "green" if lag.records == 0 else "yellow" if lag.records < 1_000 else "red"
        committed = "-" if lag.committed is None else str(lag.committed)
        table.add_row(
            lag.group,
            lag.topic,
            str(lag.partition),
            committed,
            str(lag.end),
            f"[{colour}]{lag.records}[/]",
        )
    if not lags:
        table.caption = "no consumer group has committed yet"
    return table


@dlq.command("list")
def dlq_list(kind: Annotated[str | None, typer.Option(help="only this error kind")] = None) -> None:
    """Every dead letter: where it came from and why it was rejected."""
    settings = ops_settings()
    letters = run(deadletters.read_all(settings), "reading the dead-letter topic")
    table = Table(title=f"dead letters ({Topics.from_settings(settings).deadletter})")
    for column in ("ref", "at", "from", "kind", "reason"):
        table.add_column(column)
    shown = [d for d in letters if kind is None or d.header("error-kind") == kind]
    for letter in shown:
        where = f"{letter.header('original-partition')}:{letter.header('original-offset')}"
        origin = f"{letter.header('original-topic')} {where}"
        table.add_row(
            letter.ref,
            f"{letter.at:%Y-%m-%d %H:%M:%S}",
            origin,
            letter.header("error-kind"),
            letter.header("error-message")[:90],
        )
    console.print(table)
    console.print(f"{len(shown)} dead letter(s)")


@dlq.command("show")
def dlq_show(
    ref: Annotated[str, typer.Argument(help="partition:offset, as `dlq list` shows")],
) -> None:
    """One dead letter: its headers and original bytes."""
    settings = ops_settings()
    letters = run(deadletters.read_all(settings), "reading the dead-letter topic")
    found = run(_pick_one(letters, ref), "finding the dead letter")
    for name, value in found.headers:
        console.print(f"[bold]{name}[/]: {value.decode('utf-8', 'replace')}")
    console.print(f"[bold]key[/]: {found.key!r}")
    # the original bytes exactly, unwrapped: operators copy them into a file to fix them
    typer.echo((found.value or b"").decode("utf-8", "replace"))


async def _pick_one(letters: list[deadletters.DeadLetter], ref: str) -> deadletters.DeadLetter:
    chosen = list(deadletters.pick(letters, [ref], None))
    if not chosen:
        raise LookupError(f"no dead letter {ref}")
    return chosen[0]


@dlq.command("replay")
def dlq_replay(
    refs: Annotated[list[str] | None, typer.Argument(help="partition:offset of each one")] = None,
    kind: Annotated[str | None, typer.Option(help="every dead letter of this error kind")] = None,
    fixed: Annotated[
        Path | None, typer.Option(exists=True, help="send this file's bytes instead (one ref)")
    ] = None,
    force: Annotated[bool, typer.Option(help="send again what was replayed before")] = False,
) -> None:
    """Send dead letters back to the ingress topic (as they were, or fixed)."""
    if not refs and kind is None:
        console.print("[red]name the dead letters (partition:offset) or --kind[/]")
        raise typer.Exit(2)
    if fixed is not None and len(refs or []) != 1:
        console.print("[red]--fixed replaces exactly one dead letter: give one ref[/]")
        raise typer.Exit(2)
    settings = ops_settings()
    letters = run(deadletters.read_all(settings), "reading the dead-letter topic")
    chosen = list(deadletters.pick(letters, refs or [], kind))
    if not chosen:
        console.print("[yellow]no dead letter matches[/]")
        raise typer.Exit(1)
    body = fixed.read_bytes() if fixed is not None else None
    with Progress(console=console, transient=True) as bar:
        bar.add_task(f"replaying {len(chosen)} dead letter(s)", total=None)
        outcomes = run(deadletters.replay(settings, chosen, body, force), "replaying")
    for letter, outcome in outcomes:
        console.print(f"  {letter.ref}: {outcome}")


@app.command("tail")
def tail_customer(
    customer: Annotated[str, typer.Option(help="the customer id")],
    since: Annotated[
        datetime | None, typer.Option(help="start at this time (ISO 8601); default: now")
    ] = None,
    seconds: Annotated[
        float | None, typer.Option("--for", help="stop after this many seconds")
    ] = None,
) -> None:
    """Follow one customer's events live (contacts, interactions, notifications)."""
    settings = ops_settings()

    async def show() -> None:
        async for seen in tail.follow(settings, customer, since, tail.deadline(seconds)):
            console.print(
                f"{seen.at:%H:%M:%S} [cyan]{seen.type:<24}[/] {seen.event_id}  {seen.summary}",
                highlight=False,
            )

    console.print(f"following {customer} (Ctrl-C stops)")
    with contextlib.suppress(KeyboardInterrupt):
        run(show(), "following the log")


@app.command()
def token(
    role: Annotated[Role, typer.Argument(help="the local demo user of this role")],
) -> None:
    """Print a bearer token of the local demo user named after ROLE, for curl:
    `-H "Authorization: Bearer $(uv run c360 token agent)"`."""
    try:
        print(demo_user_token(ops_settings(), role))
    except TokenRefused as exc:
        Console(stderr=True).print(f"[red]no token: {exc}[/]")
        raise typer.Exit(1) from exc


@app.command()
def erase(
    customer: Annotated[str, typer.Option(help="the customer id")],
    reason: Annotated[str, typer.Option(help="why (recorded in contact.erased)")],
    verify: Annotated[
        bool, typer.Option(help="then scan every topic and collection for what was erased")
    ] = False,
    settle: Annotated[float, typer.Option(help=erasure.SETTLE_HELP)] = 120.0,
) -> None:
    """Erase a customer's personal data through the contacts service (right to erasure:
    `DELETE /v1/contacts/ID`, which also withholds the customer's dead letters from replay)."""
    settings = ops_settings()
    subject = erasure.capture(settings, customer) if verify else None  # before the key is gone
    path = f"/v1/contacts/{customer}"
    erased = call_service(
        settings, settings.contacts_url, Role.PRIVACY_OFFICER, "DELETE", path, reason=reason
    )
    console.print(
        f"erased {customer}: contact.erased is published; the views drop the personal data"
        " as the projector folds it in"
    )
    withheld = erased["withheld_dead_letters"]
    console.print(f"dead letters holding the customer's data, withheld from replay: {withheld}")
    topics, expiry = ", ".join(erased["plaintext_topics"]), erased["plaintext_expires_at"]
    when = f"{datetime.fromisoformat(expiry):%Y-%m-%d %H:%M} UTC" if expiry else "never"
    console.print(f"adapters' plaintext copies ({topics}) expire by {when} at the latest")
    if subject is not None:
        raise typer.Exit(erasure.scan_and_report(settings, customer, subject, [], settle))


app.command("verify-erasure")(erasure.verify_erasure)


@app.command("reseal")
def reseal(
    from_prefix: Annotated[
        str, typer.Option(help="the topic prefix of the generation to copy ('' for none)")
    ],
) -> None:
    """Upgrade: copy the keyed topics of an older generation into this one (C360_TOPIC_PREFIX),
    sealing the events written before encryption; erased customers' events come out anonymous."""
    settings = ops_settings()
    if from_prefix == settings.topic_prefix:
        console.print("[red]--from-prefix must name another generation than C360_TOPIC_PREFIX[/]")
        raise typer.Exit(2)
    run(ensure_topics(settings), "creating the new generation's topics")
    copied = run(resealing.reseal(settings, from_prefix, erasure.progress), "resealing")
    for topic, counts in copied.items():
        console.print(f"  {topic}: {counts.records} records copied, {counts.sealed} sealed")


@app.command("export")
def export(
    customer: Annotated[str, typer.Argument(help="the customer id")],
) -> None:
    """Print everything c360 holds on CUSTOMER as JSON (subject access, GDPR articles 15 and
    20): profile, identifiers, consent history, contact events, view, whole timeline,
    notifications, segment memberships and who accessed the data. Signs in as the privacy
    officer; every read is audited. The contacts service assembles it
    (`GET /v1/contacts/CUSTOMER/export`)."""
    held = erasure.export_of(ops_settings(), customer)
    print(orjson.dumps(held, option=orjson.OPT_INDENT_2).decode())


if __name__ == "__main__":
    app()
