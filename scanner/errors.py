"""ScannerError and its few subclasses; cli.py and the daemon turn them into messages and exit codes."""


class ScannerError(Exception):
    """Base of every error kbscan raises on purpose. The message names the file/URL/key and what to do."""


class ConfigError(ScannerError):
    """The configuration file is missing, unreadable or invalid (exit code 2)."""


class CatalogueError(ScannerError):
    """The catalogue (embedded kbdata, database or an imported list) is broken (exit code 2)."""


class InventoryReadError(ScannerError):
    """One inventory file could not be read; becomes an `errors` entry, never a failed run."""


class SourceError(ScannerError):
    """One catalogue source could not be fetched or parsed; the last good catalogue is kept."""


class StoreError(ScannerError):
    """The SQLite state database could not be opened, locked or migrated (exit code 2)."""
