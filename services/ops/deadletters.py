"""Dead letters: read them, and send them (fixed, or as they were) back through ingress.

A replay is recorded in the store by the dead letter's offset before it is sent, so a second
`replay` of the same record is refused unless forced (the check names the dead letter, not the
event, so two adapters' events that share an id are never taken for one). A forced or repeated
send is still safe: ingress treats an event (`source` + `id`) it has accepted before as a retry,
with no second effect. A dead letter withheld by an erasure (`shared/dead_letters.py`) is never
sent again, forced or not.
"""

from collections.abc import Iterator
from datetime import UTC, datetime

from pymongo.errors import DuplicateKeyError

from shared.dead_letters import REPLAYS, DeadLetter, ledger_id, read_all
from shared.kafka import make_producer
from shared.mongo import database, make_client
from shared.settings import Settings
from shared.topics import Topics

__all__ = ["DeadLetter", "parse_ref", "pick", "read_all", "replay"]


def parse_ref(ref: str) -> tuple[int, int]:
    partition, _, offset = ref.partition(":")
    if not (partition.isdigit() and offset.isdigit()):
        raise ValueError(f"{ref!r} is not partition:offset (as `c360 dlq list` shows it)")
    return int(partition), int(offset)


def pick(letters: list[DeadLetter], refs: list[str], kind: str | None) -> Iterator[DeadLetter]:
    wanted = {parse_ref(r) for r in refs}
    for letter in letters:
        if (letter.partition, letter.offset) in wanted or (
            not refs and kind is not None and letter.header("error-kind") == kind
        ):
            yield letter


async def replay(
    settings: Settings, letters: list[DeadLetter], fixed: bytes | None = None, force: bool = False
) -> list[tuple[DeadLetter, str]]:
    """Send each dead letter's original bytes (or `fixed`) to ingress; (letter, outcome) pairs."""
    ingress = Topics.from_settings(settings).ingress
    client = make_client(settings)
    producer = make_producer(settings)
    await producer.start()
    outcomes: list[tuple[DeadLetter, str]] = []
    try:
        ledger = database(client, settings)[REPLAYS]
        for letter in letters:
            entry = {"_id": ledger_id(settings, letter)}
            try:
                await ledger.insert_one(
                    {**entry, "at": datetime.now(UTC), "fixed": fixed is not None}
                )
            except DuplicateKeyError:
                withheld = (await ledger.find_one(entry) or {}).get("withheld")
                if withheld:
                    outcomes.append((letter, f"refused: {withheld}"))
                    continue
                if not force:
                    outcomes.append((letter, "skipped: replayed before (--force sends it again)"))
                    continue
            value = fixed if fixed is not None else letter.value
            await producer.send_and_wait(
                ingress, value, key=letter.key, headers=letter.original_headers()
            )
            outcomes.append((letter, f"sent to {ingress}"))
    finally:
        await producer.stop()
        await client.close()
    return outcomes
