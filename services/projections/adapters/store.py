"""The projection's documents in the Mongo-protocol store, all read and written by `_id`.

One generation of collections per fold of the log (`g1`, `g2`...): a rebuild fills a new one
while reads stay on the active one (`projection_generations`, `_id` "active"). The identity
lookup is keyed by blind ids (`shared.privacy.blind`): a store that reads or writes it is opened
with the deployment's `BlindIndex`.
"""

from collections.abc import AsyncGenerator, Collection, Mapping, Sequence

import orjson
from pydantic import TypeAdapter
from pymongo.asynchronous.database import AsyncDatabase

from services.projections.adapters.directory import apply_effects as write_effects
from services.projections.domain.effects import Effect
from services.projections.domain.records import assemble_days, stored_parts
from services.projections.domain.state import CustomerState
from services.projections.domain.timeline import Day, Entry, bucket_id
from services.projections.service_layer.ports import Part, PartWrites
from shared.concurrency import together
from shared.mongo import (
    Document,
    VersionConflict,
    insert_new,
    read_by_ids,
    replace_guarded,
    replace_guarded_many,
    replace_many,
    scan,
)
from shared.privacy.blind import BlindIndex

GENERATIONS = "projection_generations"
FIRST_GENERATION = "g1"
# A customer's state is stored as `{_id, revision, state}`, the state as one JSON text. As a
# nested document it cost far more: FerretDB v1 keeps a type schema beside every document (3.5 KB
# of a 5.7 KB state) and parses all of it on every read and guarded write. Measured on 500 states
# of an imported history: insert_many 1,014-1,121 -> 4,560-5,031 docs/s, a read by `$in` 742-922
# -> 5,155-5,177 docs/s, guarded replaces (32 at once) 358-419 -> 767-860 docs/s.
STATE = "state"
WITHOUT_TIMELINES = ("head", "timeline")
# A timeline part's entries are stored as JSON text for the same reason.
ENTRIES = TypeAdapter(list[Entry])


def state_document(state: CustomerState) -> Document:
    """How `state` is stored: its id, its revision (what a write is guarded by) and the state."""
    return {"_id": state.customer_id, "revision": state.revision, STATE: state.model_dump_json()}


def state_of(doc: Document, leave_out: Collection[str] = ()) -> CustomerState:
    """The state a stored document holds, without the fields in `leave_out` (they take their
    defaults). A document written as a nested state (before `STATE`) is read as well."""
    text = doc.get(STATE)
    if isinstance(text, str):
        if not leave_out:
            return CustomerState.model_validate_json(text)
        fields = orjson.loads(text)
    else:
        fields = {k: v for k, v in doc.items() if k != "_id"}
    return CustomerState.model_validate({k: v for k, v in fields.items() if k not in leave_out})


def entries_of(part: Document) -> list[Entry]:
    """The entries a stored timeline part holds (written as JSON text, or earlier as a list)."""
    entries = part["entries"]
    if isinstance(entries, str):
        return ENTRIES.validate_json(entries)
    return ENTRIES.validate_python(entries)


class ProjectionStore:
    def __init__(
        self, db: AsyncDatabase[Document], generation: str, blind: BlindIndex | None = None
    ) -> None:
        self.db = db
        self.generation = generation
        self._blind = blind
        self.customers = db[f"customer_360_{generation}"]
        self.timeline = db[f"timeline_{generation}"]
        self.links = db[f"merge_links_{generation}"]
        self.identities = db[f"identity_lookup_{generation}"]
        self.names = db[f"name_directory_{generation}"]
        self.checkpoints = db[f"checkpoints_{generation}"]
        self.segment_members = db[f"segment_members_{generation}"]
        self._written: dict[tuple[str, int], int] = {}  # checkpoints this process wrote

    def identity_id(self, key: str) -> str:
        """The identity lookup's `_id` of an identifier `kind:value`: its blind id."""
        if self._blind is None:
            raise RuntimeError("this projection store was opened without the blind index")
        return self._blind.blind_id(key)

    def collections(self) -> list[str]:
        return [
            c.name
            for c in (
                self.customers,
                self.timeline,
                self.links,
                self.identities,
                self.names,
                self.checkpoints,
                self.segment_members,
            )
        ]

    async def load_state(self, customer_id: str, head: bool = True) -> CustomerState | None:
        """The customer's state; `head=False` leaves out the inline timeline part (views do
        not show it, and it is a good part of the state)."""
        doc = await self.customers.find_one({"_id": customer_id})
        return None if doc is None else state_of(doc, () if head else ("head",))

    async def load_states(self, customer_ids: Collection[str]) -> dict[str, CustomerState]:
        """The stored state of each customer that has one, in one read (`read_by_ids`)."""
        docs = await read_by_ids(self.customers, list(customer_ids))
        return {str(i): state_of(d) for i, d in docs.items()}

    async def save_states(
        self, states: Sequence[tuple[CustomerState, int]]
    ) -> tuple[list[CustomerState], dict[str, int]]:
        """Each state at its expected revision + 1, guarded by that revision (`ports`)."""
        saved = [s.model_copy(update={"revision": r + 1}) for s, r in states]
        docs = [state_document(s) for s in saved]
        expected = [r for _, r in states]
        unwritten = await replace_guarded_many(self.customers, docs, expected, guard="revision")
        return [s for s in saved if s.customer_id not in unwritten], unwritten

    async def save_segments(
        self, customer_id: str, segments: tuple[str, ...], expected_revision: int
    ) -> None:
        """Set only the membership list, guarded by the revision like every state write (a
        back-fill's write)."""
        current = await self.customers.find_one({"_id": customer_id})
        if current is None or current.get("revision") != expected_revision:
            raise VersionConflict(customer_id, expected_revision)
        state = state_of(current).model_copy(
            update={"segments": tuple(segments), "revision": expected_revision + 1}
        )
        await replace_guarded(
            self.customers, state_document(state), expected_revision, guard="revision"
        )

    async def scan_states(self, batch_size: int = 500) -> AsyncGenerator[CustomerState, None]:
        """Every customer's state, without its timeline (a back-fill's full scan, which writes
        as it goes: `shared.mongo.scan` closes its cursor however the scan ends)."""
        async for doc in scan(self.customers, chunk=batch_size):
            yield state_of(doc, WITHOUT_TIMELINES)

    async def load_days(self, state: CustomerState, parts: dict[str, int]) -> dict[str, Day]:
        """The buckets of each day (`parts[day]` of them); the head part comes from the state."""
        stored = await self.load_parts(state.customer_id, stored_parts(state, parts))
        return assemble_days(state, parts, stored)

    async def load_parts(self, customer_id: str, keys: Sequence[Part]) -> dict[Part, list[Entry]]:
        """The entries of each (day, part) document, by `_id`; a missing one is empty."""
        return (await self.load_parts_of({customer_id: keys}))[customer_id]

    async def load_parts_of(
        self, wanted: Mapping[str, Sequence[Part]]
    ) -> dict[str, dict[Part, list[Entry]]]:
        ids = {bucket_id(c, d, n): (c, (d, n)) for c, keys in wanted.items() for d, n in keys}
        docs = await read_by_ids(self.timeline, list(ids))
        loaded: dict[str, dict[Part, list[Entry]]] = {
            c: {key: [] for key in keys} for c, keys in wanted.items()
        }
        for doc_id, doc in docs.items():
            customer_id, key = ids[doc_id]
            loaded[customer_id][key] = entries_of(doc)
        return loaded

    async def apply_effects(self, effects: Sequence[Effect]) -> None:
        await write_effects(self, effects)

    async def save_parts(self, writes: Mapping[str, PartWrites]) -> None:
        """Fresh parts in one unordered insert, the rest (and fresh ones that existed after
        all: left by an attempt that did not finish) in one unordered bulk of overwrites."""
        fresh: list[Document] = []
        others: list[Document] = []
        for customer_id, write in writes.items():
            for (day, n), entries in sorted(write.parts.items()):
                doc = {
                    "_id": bucket_id(customer_id, day, n),
                    "customer_id": customer_id,
                    "day": day,
                    "part": n,
                    "entries": ENTRIES.dump_json(entries).decode(),
                }
                (fresh if (day, n) in write.fresh else others).append(doc)
        existed = await insert_new(self.timeline, fresh)
        left = [d for d, e in zip(fresh, existed, strict=True) if e]
        await replace_many(self.timeline, others + left)

    async def checkpoint(self, topic: str, partition: int) -> int:
        """The next offset of `topic`/`partition` to fold: everything before it is visible."""
        doc = await self.checkpoints.find_one({"_id": f"{topic}|{partition}"})
        return int(doc["next_offset"]) if doc else 0

    async def save_checkpoints(self, next_offsets: dict[tuple[str, int], int]) -> None:
        async def one(topic: str, partition: int, offset: int) -> None:
            known = self._written.get((topic, partition))
            if known is None:  # first write here since start (or since a rebalance moved it)
                known = await self.checkpoint(topic, partition)
            # Never move it back. (If a rebalance let another process move it on meanwhile, this
            # may lower it for a moment: readers then wait a little longer, never less.)
            if offset > known:
                await self.checkpoints.replace_one(
                    {"_id": f"{topic}|{partition}"},
                    {"topic": topic, "partition": partition, "next_offset": offset},
                    upsert=True,
                )
                self._written[(topic, partition)] = offset

        await together(one(t, p, o) for (t, p), o in next_offsets.items())


async def active_generation(db: AsyncDatabase[Document]) -> str:
    doc = await db[GENERATIONS].find_one({"_id": "active"})
    return str(doc["generation"]) if doc else FIRST_GENERATION


async def activate_generation(db: AsyncDatabase[Document], generation: str) -> None:
    await db[GENERATIONS].replace_one({"_id": "active"}, {"generation": generation}, upsert=True)


async def generations(db: AsyncDatabase[Document]) -> list[Document]:
    """Every generation ever built, oldest first."""
    docs = [d async for d in db[GENERATIONS].find({"_id": {"$ne": "active"}})]
    return sorted(docs, key=lambda d: int(str(d["_id"]).removeprefix("g")))


async def record_generation(db: AsyncDatabase[Document], generation: str, **fields: object) -> None:
    await db[GENERATIONS].update_one({"_id": generation}, {"$set": fields}, upsert=True)
