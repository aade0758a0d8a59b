"""The Reader interface every inventory format implements, and the error helper readers share."""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from typing import ClassVar

from scanner.errors import InventoryReadError
from scanner.models import HostInventory

HEAD_CHARS = 4096  # readers sniff only this much text: detection stays cheap on big files


class Reader(ABC):
    """One inventory format: a cheap `sniff` on the head of the text and a full `parse`.

    `sniff` must not parse the whole file; it answers whether this reader should handle the text.
    `parse` returns one HostInventory per host in the file, or raises InventoryReadError (built with
    `fail`) whose message names the path and says what to do. Readers never read the disk.
    """

    name: ClassVar[str]
    command: ClassVar[str]  # how an admin produces the format, for messages and docs

    @abstractmethod
    def sniff(self, head: str) -> bool:
        """True when `head` (the first HEAD_CHARS characters, leading blanks removed) is this format."""

    @abstractmethod
    def parse(self, text: str, path: str, *, day_first: bool | None = None) -> list[HostInventory]:
        """Every host in `text`; `day_first` decides ambiguous dates the file itself cannot settle."""

    def fail(self, path: str, reason: str) -> InventoryReadError:
        """An error for this file that names the path, the format and the fix."""
        return InventoryReadError(f"{path}: {reason} (read as {self.name}; produce it with: {self.command})")


def fail(path: str, reason: str) -> InventoryReadError:
    return InventoryReadError(f"{path}: {reason}")


def load_json(reader: Reader, text: str, path: str) -> object:
    """json.loads with the error turned into a message that points at the damage."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        where = f"line {error.lineno} column {error.colno}"
        if error.pos >= len(text.rstrip()) - 1:
            raise reader.fail(path, f"the JSON ends early at {where}: the file looks truncated; "
                              "collect it again") from error
        raise reader.fail(path, f"invalid JSON at {where}: {error.msg}") from error
    except RecursionError as error:
        raise reader.fail(path, "the JSON is nested too deeply to be an inventory") from error
