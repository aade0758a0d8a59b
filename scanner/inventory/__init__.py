"""Inventory files to HostInventory values: decode, detect the format from content, parse; read files.

See docs/inventory-formats.md for the formats, the commands that produce them, the encodings and the
host-name rule (`normalise_host`).
"""

from __future__ import annotations

from scanner.inventory.detect import FORMATS
from scanner.inventory.files import iter_files, read_paths
from scanner.inventory.one_file import DEFAULT_MAX_BYTES, read_file
from scanner.inventory.parse import parse_bytes
from scanner.inventory.values import normalise_host

__all__ = [
    "DEFAULT_MAX_BYTES", "FORMATS", "iter_files", "normalise_host", "parse_bytes", "read_file",
    "read_paths",
]
