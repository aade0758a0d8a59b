"""The registry of the store's areas: each (catalogue, history, cache) adds the function that creates its tables.

A setup function creates what does not exist yet (CREATE ... IF NOT EXISTS, current shape); changes to tables an
earlier release left are schema steps (migrations.py). Kept apart from db.py so that db.py can run the steps,
which use the areas, without the areas importing db.py back.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlite_utils

SCHEMA_SETUP: list[Callable[[sqlite_utils.Database], None]] = []
