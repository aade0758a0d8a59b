"""SQLite state (catalogue, source health, scan history): the only package that imports sqlite_utils."""
