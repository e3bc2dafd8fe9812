"""`c360 verify-erasure`, and what `c360 erase --verify` adds around the contacts service's DELETE
(which does the whole erasure, dead letters included): the export read first, the scan after.

The identifiers and texts to look for must be known before the key is destroyed: `erase`
captures them from the subject-access export first; `verify-erasure` takes them from an export
saved before the erasure (`--from-export`) and/or from the command line.
"""

import asyncio
from pathlib import Path
from typing import Annotated

import orjson
import typer
from rich.console import Console

from services.ops.erasure.verification import Verdict, verify
from services.ops.service_calls import call_service
from services.ops.settings import ops_settings
from shared.auth.roles import Role
from shared.privacy.needles import Subject
from shared.privacy.subject import subject_from_export
from shared.settings import Settings

console = Console()
EXPORT_SECONDS = 300.0  # a long history is read page by page from every owner
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


def capture(settings: Settings, customer: str) -> Subject:
    """What to look for, read before the erasure: the person's whole subject-access export."""
    return subject_from_export(export_of(settings, customer))


def export_of(settings: Settings, customer: str) -> dict[str, object]:
    """The contacts service's subject-access export, read as the privacy officer."""
    path = f"/v1/contacts/{customer}/export"
    return call_service(
        settings, settings.contacts_url, Role.PRIVACY_OFFICER, "GET", path, timeout=EXPORT_SECONDS
    )
