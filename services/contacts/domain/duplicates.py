"""Possible duplicates: customers that share identifiers, recorded, never merged by themselves."""

from enum import StrEnum


class DuplicateStatus(StrEnum):
    OPEN = "open"
    MERGED = "merged"
