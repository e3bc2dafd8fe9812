"""A segment's members, asked of the projections service's segment API (it owns segments;
analytics never reads its collections)."""

from typing import TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from services.analytics.service_layer.ports import SegmentNotReady, UnknownSegment

PAGE = 1000  # the most the members API gives in one page
Answer = TypeVar("Answer", bound=BaseModel)


class SegmentUnavailable(Exception):
    """The projections service did not answer, or answered something unexpected."""


class Backfill(BaseModel):
    status: str
    scanned: int = 0


class SegmentAnswer(BaseModel):
    """The part of `GET /v1/segments/{id}` read here."""

    backfill: Backfill | None = None


class MembersPage(BaseModel):
    items: list[str]
    next_cursor: str | None = None


class ProjectionsSegments:
    def __init__(self, projections: httpx.AsyncClient) -> None:
        self.projections = projections

    async def members(self, segment_id: str) -> frozenset[str]:
        segment = await self._get(segment_id, "", {}, SegmentAnswer)
        backfill = segment.backfill
        if backfill is not None and backfill.status != "done":
            raise SegmentNotReady(
                f"segment {segment_id!r} is still being back-filled "
                f"({backfill.status}, {backfill.scanned} views so far); try again when done"
            )
        ids: set[str] = set()
        cursor: str | None = None
        while True:
            params = {"limit": str(PAGE)} | ({"cursor": cursor} if cursor else {})
            page = await self._get(segment_id, "/members", params, MembersPage)
            ids.update(page.items)
            cursor = page.next_cursor
            if not cursor:
                return frozenset(ids)

    async def _get(
        self, segment_id: str, tail: str, params: dict[str, str], shape: type[Answer]
    ) -> Answer:
        try:
            answer = await self.projections.get(f"/v1/segments/{segment_id}{tail}", params=params)
            if answer.status_code == httpx.codes.NOT_FOUND:
                raise UnknownSegment(segment_id)
            answer.raise_for_status()
            return shape.model_validate_json(answer.content)
        except (httpx.HTTPError, ValidationError) as exc:
            raise SegmentUnavailable(f"the projections segment API failed: {exc!r}") from exc
