"""`/v1/teams/{team}/webhook-keys`: a team's signing keys, and rotating them.

A rotation answers the new secret once; give it to the team's receivers. Until the overlap ends
(or the rotation is finished) every delivery carries a signature by each of the two keys.
"""

from datetime import datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from pydantic import BaseModel

from services.notifier.domain.webhook_keys import TeamKeys
from services.notifier.entrypoints.http.dependencies import KeyringDep, RulesDep
from services.notifier.service_layer.delivery import utc_now
from shared.http.problems import Problem
from shared.mongo import VersionConflict

router = APIRouter(prefix="/v1/teams/{team}/webhook-keys", tags=["webhook keys"])
TeamPath = Annotated[str, Path(description="a team of the rules file", max_length=64)]


class TeamKeysPublic(BaseModel):
    """Which keys sign the team's webhooks; never the secrets."""

    team: str
    signing_key_id: str
    previous_key_id: str | None
    previous_valid_until: datetime | None

    @classmethod
    def of(cls, keys: TeamKeys) -> "TeamKeysPublic":
        rotating = keys.rotating(utc_now())
        return cls(
            team=keys.team,
            signing_key_id=keys.current.id,
            previous_key_id=keys.previous.id if rotating and keys.previous else None,
            previous_valid_until=keys.previous_until if rotating else None,
        )


class RotatedKey(TeamKeysPublic):
    secret: str


def _known(team: str, rules: RulesDep) -> str:
    if team not in rules.teams:
        reason = f"no team {team!r} in the rules file (teams: {', '.join(sorted(rules.teams))})"
        raise Problem(404, reason, errors=[{"field": "team", "reason": reason}])
    return team


@router.get("", response_model=TeamKeysPublic)
async def team_keys(team: TeamPath, rules: RulesDep, keyring: KeyringDep) -> TeamKeysPublic:
    return TeamKeysPublic.of(await keyring.keys(_known(team, rules)))


@router.post("/rotate", response_model=RotatedKey, status_code=201)
async def rotate(
    request: Request,
    team: TeamPath,
    rules: RulesDep,
    keyring: KeyringDep,
    overlap_hours: Annotated[
        float | None, Query(gt=0, le=24 * 90, description="default: C360_WEBHOOK_KEY_OVERLAP_HOURS")
    ] = None,
) -> RotatedKey:
    """A new key signs from now on; the previous one stays valid for the overlap."""
    default: timedelta = request.app.state.webhook_key_overlap
    overlap = timedelta(hours=overlap_hours) if overlap_hours else default
    try:
        keys = await keyring.rotate(_known(team, rules), overlap)
    except VersionConflict:
        raise Problem(409, f"team {team!r} was rotated at the same moment; look again") from None
    return RotatedKey(**TeamKeysPublic.of(keys).model_dump(), secret=keys.current.secret)


@router.delete("/previous", response_model=TeamKeysPublic)
async def finish_rotation(team: TeamPath, rules: RulesDep, keyring: KeyringDep) -> TeamKeysPublic:
    """The previous key stops being valid now (every receiver has the new one)."""
    try:
        return TeamKeysPublic.of(await keyring.finish_rotation(_known(team, rules)))
    except VersionConflict:
        raise Problem(409, f"team {team!r} was rotated at the same moment; look again") from None
