"""Inventory bytes to hosts, pure: decode, blank a terminal capture's prompt lines, detect, parse."""

from __future__ import annotations

import logging

from scanner.errors import InventoryReadError
from scanner.inventory.capture import strip_capture
from scanner.inventory.decode import decode
from scanner.inventory.detect import detect
from scanner.models import HostInventory

logger = logging.getLogger(__name__)


def parse_bytes(data: bytes, path: str, *, day_first: bool | None = None) -> list[HostInventory]:
    """Pure: decode + detect format + parse. Raises InventoryReadError (message names path and reason,
    and for an unknown format lists the formats tried). Never raises anything else.

    `day_first` decides slash dates (`01/02/2013`) the file itself leaves ambiguous; None means US
    month-first unless a date in the file proves otherwise.
    """
    name = "detection"
    try:
        text, codec = decode(data, path)
        if "\r\r\n" in text[:4096]:
            text = text.replace("\r\r\n", "\r\n")  # wmic's redirect quirk
        text = strip_capture(text)
        reader = detect(text, path)
        name = reader.name
        hosts = reader.parse(text, path, day_first=day_first)
    except InventoryReadError:
        raise
    except RecursionError as error:
        raise InventoryReadError(f"{path}: nested too deeply to be an inventory ({name})") from error
    except Exception as error:  # the one safety net: a reader bug must not stop the scan
        logger.exception("%s: unexpected error in the %s reader", path, name)
        raise InventoryReadError(
            f"{path}: could not be read as {name} because of a kbscan bug ({type(error).__name__}: "
            f"{error}); please report it with the file"
        ) from error
    if not hosts:
        raise InventoryReadError(f"{path}: no host found in the {name} data; collect the inventory again")
    logger.debug("%s: %s, %s, %d host(s)", path, name, codec, len(hosts))
    return hosts
