"""How the stack talks to its user: one prefix, and failures that exit with a code."""

import sys
from typing import NoReturn

FAILED, USAGE, PREREQUISITES = 1, 2, 3


class StackError(Exception):
    def __init__(self, message: str, code: int = FAILED) -> None:
        super().__init__(message)
        self.code = code


def say(message: str) -> None:
    print(f"[c360-stack] {message}", flush=True)


def warn(message: str) -> None:
    print(f"[c360-stack] {message}", file=sys.stderr, flush=True)


def fail(message: str, code: int = FAILED) -> NoReturn:
    raise StackError(message, code)
