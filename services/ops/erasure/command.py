"""`c360 verify-erasure` and the work of `c360 erase` around the contacts service's DELETE.

The identifiers and texts to look for must be known before the key is destroyed: `erase`
captures them from the subject-access export first; `verify-erasure` takes them from an export
saved before the erasure (`--from-export`) and/or from the command line.
"""

import asyncio
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import orjson
import typer
from rich.console import Console

from services.ops import deadletters
from services.ops.erasure.matching import Matcher
from services.ops.erasure.needles import Subject, needles_of
from services.ops.erasure.scanning import Retention
from services.ops.erasure.subject import subject_from_export
from services.ops.erasure.verification import Verdict, verify
from services.ops.settings import ops_settings
from services.ops.subject_access import api_reader, gather
from shared.settings import Settings
from shared.topics import DEADLETTER, INGRESS, Topics, topic_config

console = Console()
SETTLE_HELP = "scan a collection where something is found again for up to this many seconds"


def verify_erasure(
    customer: Annotated[str, typer.Argument(help="the erased customer's id (for the report)")],
    from_export: Annotated[
        Path | None, typer.Option(exists=True, help="an export saved before the erasure")
    ] = None,
    email: Annotated[list[str] | None, typer.Option(help="an email to look for")] = None,
    phone: Annotated[list[str] | None, typer.Option(help="a phone, as written anywhere")] = None,
    external_id: Annotated[
        list[str] | None, typer.Option(help="SYSTEM=VALUE, e.g. crm=123")
    ] = None,
    text: Annotated[list[str] | None, typer.Option(help="a name, note or any text")] = None,
    database: Annotated[
        list[str] | None, typer.Option(help="scan this database too (default C360_DATABASE)")
    ] = None,
    settle: Annotated[float, typer.Option(help=SETTLE_HELP)] = 0.0,
) -> None:
    """Scan every c360 topic and collection for an erased person: exit 0 when nothing is found,
    3 when only copies that expire (ingress, dead letters) remain, 1 otherwise."""
    subject = Subject(
        tuple([("email", e) for e in email or []] + [("phone", p) for p in phone or []])
        + tuple(_external(pair) for pair in external_id or []),
        tuple(("text", t) for t in text or []),
    )
    if from_export is not None:
        subject = subject.merged(subject_from_export(orjson.loads(from_export.read_bytes())))
    if subject.empty:
        console.print("[red]nothing to look for: give --from-export or identifiers/texts[/]")
        raise typer.Exit(2)
    raise typer.Exit(scan_and_report(ops_settings(), customer, subject, database or [], settle))


def _external(pair: str) -> tuple[str, str]:
    system, _, value = pair.partition("=")
    if not system or not value:
        console.print(f"[red]--external-id {pair!r} is not SYSTEM=VALUE[/]")
        raise typer.Exit(2)
    return system, value


def scan_and_report(
    settings: Settings, customer: str, subject: Subject, extra: list[str], settle: float
) -> int:
    databases = list(dict.fromkeys([settings.database, *extra]))
    try:
        verdict = asyncio.run(verify(settings, customer, subject, databases, progress, settle))
    except Exception as exc:  # the operator gets the reason, not a traceback
        console.print(f"[red]the scan failed: {exc or type(exc).__name__}[/]")
        raise typer.Exit(1) from exc
    report(customer, verdict)
    return verdict.exit_code


def progress(line: str) -> None:
    console.print(f"[dim]  … {line}[/]", highlight=False)


def report(customer: str, verdict: Verdict) -> None:
    c = verdict.coverage
    console.print(
        f"scanned for {customer}: {len(c.topics)} topics, {c.partitions} partitions,"
        f" {c.records} records; {len(c.collections)} collections, {c.documents} documents;"
        f" {verdict.needles} spellings",
        highlight=False,
    )
    if verdict.whole:
        console.print(
            f"searched whole, in {customer}'s own records only: {', '.join(verdict.whole)}",
            highlight=False,
            soft_wrap=True,
        )
    for finding in verdict.held:
        console.print(
            f"[red]FOUND {finding.where} {finding.position}: {finding.labels}[/]", soft_wrap=True
        )
    for finding in verdict.expiring:
        console.print(
            f"[yellow]in clear until {finding.expires_at:%Y-%m-%d %H:%M} UTC:"
            f" {finding.where} {finding.position}: {finding.labels}[/]",
            soft_wrap=True,
        )
    if not verdict.findings:
        console.print("[green]found nothing[/]")
    elif not verdict.held:
        console.print(f"the last plaintext copy expires by {verdict.last_copy_expires:%c} UTC")


def capture(settings: Settings, customer: str, full: bool) -> Subject:
    """What to look for, read before the erasure: the whole export, or the contact's part."""
    try:
        read = api_reader(settings)
        if full:
            return subject_from_export(gather(read, settings, customer))
        held = read(settings.contacts_url, f"/v1/contacts/{customer}/export", {})
        return subject_from_export(held or {})
    except Exception as exc:  # nothing is erased yet: say why and stop
        console.print(f"[red]reading what to erase failed, nothing erased: {exc}[/]")
        raise typer.Exit(1) from exc


def withhold_dead_letters(settings: Settings, customer: str, subject: Subject) -> int:
    """Dead letters holding the person's data are never replayed again; how many there were."""
    needles = needles_of(subject, settings.default_region)
    if not needles.needles:
        return 0
    matcher = Matcher(needles, owner=customer)
    try:
        letters = asyncio.run(deadletters.read_all(settings))
        holding = [d for d in letters if matcher.find(_raw(d))]
        asyncio.run(deadletters.withhold(settings, holding, f"holds erased customer {customer}"))
    except Exception as exc:  # the erasure is done; the operator must know the rest is not
        console.print(f"[red]erased, but withholding its dead letters failed: {exc}[/]")
        raise typer.Exit(1) from exc
    return len(holding)


def _raw(letter: deadletters.DeadLetter) -> bytes:
    return b"\n".join([letter.key or b"", letter.value or b"", *(v for _, v in letter.headers)])


def plaintext_expiry(settings: Settings) -> tuple[list[str], datetime | None]:
    """The topics that hold adapters' bytes in clear, and when anything written to them until
    now is gone at the latest (their configured retention)."""
    now_ms = int(datetime.now(UTC).timestamp() * 1000)
    topics = Topics.from_settings(settings)
    bounds = [
        Retention(int(c["retention.ms"]), int(c["segment.ms"])).expiry(now_ms)
        for c in (topic_config(INGRESS), topic_config(DEADLETTER))
    ]
    names = [topics.ingress, topics.deadletter]
    return names, max((b for b in bounds if b is not None), default=None)
