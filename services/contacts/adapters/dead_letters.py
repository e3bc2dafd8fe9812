"""The dead-letter shelf on the real topic and store (`shared/dead_letters.py`)."""

from pymongo.asynchronous.database import AsyncDatabase

from shared.dead_letters import withhold_holding
from shared.mongo import Document
from shared.privacy.needles import Subject
from shared.settings import Settings


class DeadLetterTopic:
    def __init__(self, settings: Settings, db: AsyncDatabase[Document]) -> None:
        self.settings = settings
        self.db = db

    async def withhold(self, subject: Subject, why: str) -> int:
        return await withhold_holding(self.settings, self.db, subject, why)
