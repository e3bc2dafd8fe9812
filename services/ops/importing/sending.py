"""Post a file's events to the interactions batch endpoint, a few batches at a time.

The endpoint answers each event on its own (accepted, replayed, refused, or unavailable); an
unavailable event (an outage) is sent again with backoff, a refused one is reported with its line.
"""

import asyncio
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

import httpx
from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_attempt, wait_exponential

from services.ops.importing.lines import Line

BATCH_TYPE = "application/cloudevents-batch+json"
ATTEMPTS = 6


class StillUnavailable(Exception):
    """Some events of a batch were answered 503 (or the request failed): send them again."""


@dataclass
class Tally:
    accepted: int = 0
    replayed: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)  # (line, reason)

    def reject(self, number: int, reason: str) -> None:
        self.rejected.append((number, reason))


def batches(lines: Iterable[Line], size: int) -> Iterator[list[Line]]:
    it = iter(lines)
    while chunk := list(islice(it, size)):
        yield chunk


def reason(item: dict[str, Any]) -> str:
    fields = "; ".join(f"{e['field']}: {e['reason']}" for e in item.get("errors") or [])
    detail = str(item.get("detail") or item.get("kind") or f"status {item['status']}")
    return f"{detail} ({fields})" if fields else detail


class Importer:
    def __init__(self, client: httpx.AsyncClient, url: str, concurrency: int) -> None:
        self.client, self.url = client, url.rstrip("/") + "/v1/events/batch"
        self.slots = asyncio.Semaphore(concurrency)
        self.tally = Tally()

    async def run(
        self, lines: Iterable[Line], batch_size: int, progress: Callable[[int], None]
    ) -> Tally:
        pending: set[asyncio.Task[None]] = set()
        for chunk in batches(lines, batch_size):
            await self.slots.acquire()  # bounds both requests in flight and lines held in memory
            task = asyncio.create_task(self._send(chunk, progress))
            pending.add(task)
            task.add_done_callback(pending.discard)
        await asyncio.gather(*pending)
        return self.tally

    async def _send(self, chunk: list[Line], progress: Callable[[int], None]) -> None:
        try:
            for line in chunk:
                if line.error is not None:
                    self.tally.reject(line.number, line.error)
            todo = [line for line in chunk if line.event is not None]
            if todo:
                await self._post_until_answered(todo)
            progress(len(chunk))
        finally:
            self.slots.release()

    async def _post_until_answered(self, todo: list[Line]) -> None:
        retrying = AsyncRetrying(
            retry=retry_if_exception_type((StillUnavailable, httpx.TransportError)),
            stop=stop_after_attempt(ATTEMPTS),
            wait=wait_exponential(multiplier=0.5, max=10),
            reraise=True,
        )
        async for attempt in retrying:
            with attempt:
                todo = await self._post(todo)
                if todo:
                    raise StillUnavailable(f"{len(todo)} event(s) answered 503")

    async def _post(self, todo: Sequence[Line]) -> list[Line]:
        """Post once; record the final answers and return the lines to send again."""
        body = [line.event for line in todo]
        answer = await self.client.post(self.url, json=body, headers={"content-type": BATCH_TYPE})
        if answer.status_code >= 500:
            raise StillUnavailable(f"{answer.status_code}: {answer.text[:200]}")
        if answer.status_code not in (202, 207):  # the whole request was refused
            for line in todo:
                self.tally.reject(line.number, f"{answer.status_code}: {answer.text[:200]}")
            return []
        again = []
        for line, item in zip(todo, answer.json()["results"], strict=True):
            if item["status"] == 503:
                again.append(line)
            elif item["status"] == 202:
                self.tally.accepted += 1
                self.tally.replayed += bool(item.get("replayed"))
            else:
                self.tally.reject(line.number, reason(item))
        return again
