"""Command line: argument parsing, dispatch, and the one place errors become messages and exit codes."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import TextIO, cast

from scanner import __version__
from scanner.config import Config, find_config, load_config
from scanner.errors import ScannerError
from scanner.models import HostStatus, kb_id
from scanner.printable import PrintableFormatter, printable

log = logging.getLogger("scanner")

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
SCAN_FORMATS = ("table", "json", "prometheus", "html", "remediation")


def _date_arg(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date: {text!r} (expected YYYY-MM-DD)") from None


def _kb_arg(text: str) -> str:
    try:
        return kb_id(text)
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kbscan", description="Hotfix/KB compliance scanner for "
                                     "Windows Server Hyper-V and Failover Clustering fleets.")
    parser.add_argument("--version", action="version", version=f"kbscan {__version__}")
    parser.add_argument("--config", metavar="FILE", help="config file (default: $KBSCAN_CONFIG, "
                        "then /etc/kbscan/config.toml, then built-in defaults)")
    verbosity = parser.add_mutually_exclusive_group()
    verbosity.add_argument("-v", "--verbose", action="count", default=0, help="more log output (-vv: debug)")
    verbosity.add_argument("-q", "--quiet", action="store_true", help="only errors on stderr")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    scan = commands.add_parser("scan", help="scan inventories against the catalogue and print a report")
    scan.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                      help="inventory files or folders (default: config inventory.paths)")
    scan.add_argument("--at", type=_date_arg, metavar="YYYY-MM-DD", help="evaluate as of this date")
    scan.add_argument("--format", choices=SCAN_FORMATS, default="table")
    scan.add_argument("--output", type=Path, metavar="FILE", help="write the report here instead of stdout")
    scan.add_argument("--findings", choices=("all", "action"),
                      help="JSON: list every finding (all) or only missing, deferred and exempt ones with counts "
                           "of the rest per host (action); default: [report] findings, else all")
    scan.add_argument("--workers", type=int, metavar="N",
                      help="processes that read inventory files (1: no pool, 0: one per core; default: one per core "
                           "from 200 files on)")

    catalogue = commands.add_parser("catalogue", help="show, refresh or import the KB catalogue")
    cat_commands = catalogue.add_subparsers(dest="catalogue_command", required=True, metavar="ACTION")
    listing = cat_commands.add_parser("list", help="list the catalogue entries")
    listing.add_argument("--format", choices=("table", "json"), default="table")
    show = cat_commands.add_parser("show", help="show one entry with every fact's source")
    show.add_argument("kb", type=_kb_arg, metavar="KBID")
    cat_commands.add_parser("refresh", help="scrape every configured source into the database")
    importing = cat_commands.add_parser("import", help="add a list file (Get-WindowsHotfixes XML, kbscan JSON, "
                                        "WES-NG definitions.zip)")
    importing.add_argument("file", type=Path, metavar="FILE")
    diff = cat_commands.add_parser("diff", help="what changed in the catalogue")
    diff.add_argument("--since", type=_date_arg, metavar="YYYY-MM-DD")

    inventory = commands.add_parser("inventory", help="show what kbscan read from inventory files")
    inventory.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    inventory.add_argument("--format", choices=("table", "json"), default="table")

    check = commands.add_parser("check", help="Nagios/Icinga plugin: exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN")
    target = check.add_mutually_exclusive_group(required=True)
    target.add_argument("host", nargs="?", metavar="HOST")
    target.add_argument("--cluster", metavar="NAME", help="every node of a cluster")
    target.add_argument("--all", action="store_true", help="every host")
    check.add_argument("--at", type=_date_arg, metavar="YYYY-MM-DD")
    check.add_argument("--warn-days", type=int, default=7, metavar="N",
                       help="WARNING when a deferred KB falls due within N days (default 7)")
    check.add_argument("--max-catalogue-age", type=int, default=30, metavar="DAYS",
                       help="WARNING when the stored catalogue is older (default 30)")
    check.add_argument("--path", action="append", type=Path, metavar="PATH",
                       help="inventory file or folder (repeatable; default: config inventory.paths)")

    commands.add_parser("daemon", help="run the scheduler until SIGTERM")
    history = commands.add_parser("history", help="a host's status transitions, newest first")
    history.add_argument("host", metavar="HOST")
    history.add_argument("--limit", type=int, default=50, metavar="N")
    commands.add_parser("status", help="last refresh/scan, per-source health, catalogue age")
    return parser


def _write(text: str | Iterable[str], output: Path | None, out: TextIO) -> None:
    if output is None:
        out.writelines([text] if isinstance(text, str) else text)
        return
    from scanner.files import write_atomic

    write_atomic(output, text)
    log.info("report written to %s", output)


def _cmd_scan(args: argparse.Namespace, config: Config, out: TextIO) -> int:
    from scanner.pipeline import run_scan
    from scanner.reports import render

    paths = args.paths or list(config.inventory.paths)
    if not paths:
        raise ScannerError("no inventory paths: name files or folders (kbscan scan DIR) "
                           "or set [inventory] paths in the config")
    from scanner.progress import progress_bar

    progress = None if args.quiet else progress_bar("reading inventories")
    report = run_scan(config, paths, as_of=args.at, progress=progress,
                      remediation=args.format in ("json", "html", "remediation"), workers=args.workers)
    if args.findings and args.format != "json":
        log.warning("--findings applies to --format json only; the %s report lists what needs action anyway",
                    args.format)
    if args.format == "json":
        from scanner.reports.findings import FindingsFilter
        from scanner.reports.json import chunks

        findings = FindingsFilter(args.findings) if args.findings else config.report.findings
        _write(chunks(report, findings), args.output, out)  # streamed: large fleets never become one string
    else:
        _write(render(report, args.format), args.output, out)
    if report.hosts and all(h.status is HostStatus.COMPLIANT for h in report.hosts):
        return EXIT_OK
    if not report.hosts:
        log.warning("no host could be read from %s", ", ".join(map(str, paths)))
    return EXIT_FINDINGS


def _cmd_catalogue(args: argparse.Namespace, config: Config, out: TextIO) -> int:
    from scanner.pipeline import load_catalogue
    from scanner.reports import catalogue as listing

    action = args.catalogue_command
    if action in ("list", "show"):
        catalogue = load_catalogue(config)
        if action == "list":
            out.write(listing.render_list(catalogue, args.format))
            return EXIT_OK
        entry = catalogue.get(args.kb)
        if entry is None:
            raise ScannerError(f"{args.kb} is not in the catalogue ({catalogue.info.origin}, "
                               f"{len(catalogue)} entries); try 'kbscan catalogue refresh'")
        out.write(listing.render_entry(entry, catalogue))
        return EXIT_OK
    from scanner import refresh

    if action == "refresh":
        result = refresh.refresh_catalogue(config, wait=_waiting)
        out.write("\n".join(result.lines()) + "\n")
        return result.exit_code
    if action == "import":
        result = refresh.import_list(config, args.file, wait=_waiting)
        out.write("\n".join(result.lines()) + "\n")
        return EXIT_OK
    out.write("\n".join(refresh.catalogue_diff(config, args.since)) + "\n")
    return EXIT_OK


def _waiting(holder: str) -> None:
    print(f"kbscan: waiting for the catalogue refresh or import in pid {holder} to finish", file=sys.stderr,
          flush=True)


def _cmd_inventory(args: argparse.Namespace, config: Config, out: TextIO) -> int:
    from scanner import inventory
    from scanner.reports import catalogue as listing

    found, errors = inventory.read_paths(args.paths, max_bytes=config.inventory.max_bytes)
    if args.format == "json":  # the JSON is the list of hosts DESIGN.md names; errors go to stderr
        for error in errors:
            print(printable(f"kbscan: error: {error.path}: {error.error}"), file=sys.stderr)
    out.write(listing.render_inventory(found, errors, args.format))
    return EXIT_FINDINGS if errors or not found else EXIT_OK


def _cmd_status(args: argparse.Namespace, config: Config, out: TextIO) -> int:
    from scanner import refresh, status

    out.write("\n".join([*refresh.status_lines(config), *status.scan_lines(config)]) + "\n")
    return EXIT_OK


def _cmd_daemon(args: argparse.Namespace, config: Config, out: TextIO) -> int:
    from scanner.daemon import Daemon

    if not args.quiet and not args.verbose:
        logging.getLogger().setLevel(logging.INFO)  # one line per job is the daemon's point
    if args.verbose < 2:  # its per-run lines repeat ours, and a skipped overlapping run is by design
        logging.getLogger("apscheduler").setLevel(logging.ERROR)
    return Daemon(config, find_config(args.config)).run()


def _cmd_history(args: argparse.Namespace, config: Config, out: TextIO) -> int:
    from scanner import status

    out.write("\n".join(status.history_lines(config, args.host, args.limit)) + "\n")
    return EXIT_OK


def _cmd_check(args: argparse.Namespace, config: Config, out: TextIO) -> int:
    """Nagios plugin: every failure, ours included, is UNKNOWN (3), never CRITICAL (2)."""
    from datetime import UTC, datetime, time

    from scanner.pipeline import run_scan
    from scanner.reports.nagios import UNKNOWN, Selection, check_result, clean

    try:
        paths = args.path or list(config.inventory.paths)
        if not paths:
            raise ScannerError("no inventory paths: pass --path or set [inventory] paths in the config")
        report = run_scan(config, paths, as_of=args.at, remediation=False)
        now = datetime.combine(args.at, time.max, tzinfo=UTC) if args.at else datetime.now(UTC)
        code, text = check_result(report, Selection(args.host, args.cluster, args.all), warn_days=args.warn_days,
                                  max_catalogue_age=args.max_catalogue_age, now=now)
    except ScannerError as e:
        code, text = UNKNOWN, clean(f"KBSCAN UNKNOWN - {e}")
    except Exception as e:  # a plugin that crashes would exit 1 (WARNING): report UNKNOWN instead
        log.debug("check failed", exc_info=True)
        code, text = UNKNOWN, clean(f"KBSCAN UNKNOWN - internal error: {type(e).__name__}: {e}")
    out.write(text + "\n")
    return code


HANDLERS: dict[str, Callable[[argparse.Namespace, Config, TextIO], int]] = {
    "scan": _cmd_scan,
    "catalogue": _cmd_catalogue,
    "inventory": _cmd_inventory,
    "check": _cmd_check,
    "daemon": _cmd_daemon,
    "history": _cmd_history,
    "status": _cmd_status,
}


class _PrintableOut:
    """stdout for the text outputs (table, listings, status, the Nagios line): see printable.py. JSON,
    HTML and Prometheus text have escaping rules of their own and are written as they are."""

    def __init__(self, out: TextIO) -> None:
        self._out = out

    def write(self, text: str) -> int:
        return self._out.write(printable(text))

    def writelines(self, lines: Iterable[str]) -> None:
        self._out.writelines(map(printable, lines))

    def flush(self) -> None:
        self._out.flush()


def setup_logging(verbose: int, quiet: bool) -> None:
    level = logging.ERROR if quiet else (logging.WARNING, logging.INFO, logging.DEBUG)[min(verbose, 2)]
    # No timestamps: journald (and most log collectors) add their own.
    logging.basicConfig(level=level, stream=sys.stderr, force=True)
    for handler in logging.getLogger().handlers:
        handler.setFormatter(PrintableFormatter("kbscan: %(levelname)s: %(message)s"))


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:  # argparse exits 2 on usage errors and 0 for --help/--version
        code = int(e.code or 0)
        arguments = list(sys.argv[1:] if argv is None else argv)
        command = next((a for a in arguments if a in HANDLERS), None)
        return 3 if code == 2 and command == "check" else code  # a plugin's usage error is UNKNOWN
    setup_logging(args.verbose, args.quiet)
    out = out or sys.stdout
    if getattr(args, "format", "table") not in ("json", "html", "prometheus"):
        out = cast(TextIO, _PrintableOut(out))
    try:
        config = load_config(find_config(args.config))
        return HANDLERS[args.command](args, config, out)
    except ScannerError as e:
        if args.command == "check":  # a config error too is UNKNOWN to a monitoring plugin, on stdout
            out.write(f"KBSCAN UNKNOWN - {' '.join(str(e).split())}\n")
            return 3
        print(printable(f"kbscan: error: {e}"), file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("kbscan: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK
