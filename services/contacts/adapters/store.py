"""Everything that reads and writes contacts, wired once per process.

`ContactStore(db, producer, settings)` opens nothing; `start()` takes the outbox lease and starts
the heartbeat and recovery loops, `stop()` ends them. The producer is the caller's (it must be
`shared.kafka.make_producer`'s: acks=all, idempotent) and is started and stopped by the caller.
"""

import asyncio
import contextlib

from aiokafka import AIOKafkaProducer
from pymongo.asynchronous.database import AsyncDatabase

from services.contacts.adapters.duplicates import PossibleDuplicates
from services.contacts.adapters.index import IdentityIndex
from services.contacts.adapters.journal import ContactJournal
from services.contacts.adapters.outbox import Outbox
from services.contacts.adapters.recovery import OutboxRecovery
from shared.mongo import Document
from shared.privacy.blind import blind_index
from shared.settings import Settings


class ContactStore:
    def __init__(
        self,
        db: AsyncDatabase[Document],
        producer: AIOKafkaProducer,
        settings: Settings,
    ) -> None:
        self.settings = settings
        self.outbox = Outbox(db, producer, settings, lease_s=settings.outbox_lease_seconds)
        blind = blind_index(settings)
        self.journal = ContactJournal(db, self.outbox, blind)
        self.index = IdentityIndex(db, blind)
        self.duplicates = PossibleDuplicates(db, self.outbox.keyring)
        self.recovery = OutboxRecovery(self.journal, self.outbox)
        self._stop = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []

    async def start(self) -> None:
        self._stop.clear()
        await self.outbox.start()
        self._tasks = [
            asyncio.create_task(self.outbox.keep_alive(self._stop), name="outbox-heartbeat"),
            asyncio.create_task(self.recovery.keep_recovering(self._stop), name="outbox-recovery"),
        ]

    async def stop(self) -> None:
        self._stop.set()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks = []
        await self.outbox.stop()
