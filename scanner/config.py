"""TOML configuration -> frozen dataclasses; every error names the file and the dotted key."""

from __future__ import annotations

import fnmatch
import os
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from scanner.dates import Duration, parse_duration
from scanner.errors import ConfigError
from scanner.models import PRODUCTS, ROLES, Kind, kb_id
from scanner.reports.findings import FindingsFilter

SYSTEM_CONFIG = Path("/etc/kbscan/config.toml")
ENV_VAR = "KBSCAN_CONFIG"

# The real public pages the project follows; used when the config names no [[sources]].
DEFAULT_SOURCES: tuple[tuple[str, str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("hyperv-2012",
     "https://social.technet.microsoft.com/wiki/contents/articles/15576.hyper-v-update-list-for-windows-server-2012.aspx",
     ("ws2012",), ("hyper-v",)),
    ("hyperv-2012r2",
     "https://social.technet.microsoft.com/wiki/contents/articles/20842.hyper-v-update-list-for-windows-server-2012-r2.aspx",
     ("ws2012r2",), ("hyper-v",)),
    ("cluster-2012", "https://support.microsoft.com/kb/2784261", ("ws2012",), ("failover-clustering",)),
    ("cluster-2012r2", "https://support.microsoft.com/kb/2920151", ("ws2012r2",), ("failover-clustering",)),
)


# WES-NG's definitions, as wes.py --update downloads them (DESIGN.md 7a); a kind = "wesng" source's default url.
WESNG_URL = "https://raw.githubusercontent.com/bitsadmin/wesng/master/definitions.zip"
SOURCE_KINDS = ("page", "wesng")


@dataclass(frozen=True)
class SourceConfig:
    """`kind`: "page" (a page or list, its family told from its content) or "wesng" (WES-NG's
    definitions.zip; products, when given, keep only those products' rows)."""

    name: str
    url: str
    products: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    kind: str = "page"
    follow_kb_links: bool = False  # fetch the KB article of every KB the list names (refresh.py)


@dataclass(frozen=True)
class HostGroup:
    """Facts an inventory format may lack, for hosts whose name matches the glob (case-insensitive)."""

    match: str
    os: str | None = None
    roles: tuple[str, ...] | None = None
    cluster: str | None = None

    def matches(self, host: str) -> bool:
        return fnmatch.fnmatchcase(host.lower(), self.match.lower())


@dataclass(frozen=True)
class Exemption:
    hosts: str
    kb: str
    until: date
    reason: str

    def covers(self, host: str, kb: str) -> bool:
        return kb == self.kb and fnmatch.fnmatchcase(host.lower(), self.hosts.lower())


@dataclass(frozen=True)
class DeferralPolicy:
    period: Duration = field(default_factory=lambda: parse_duration("1 month"))
    kinds: tuple[Kind, ...] = (Kind.UPDATE_ROLLUP, Kind.CUMULATIVE_UPDATE)
    approve_early: tuple[str, ...] = ()


@dataclass(frozen=True)
class InventoryConfig:
    paths: tuple[Path, ...] = ()
    max_bytes: int = 50 * 1024 * 1024


@dataclass(frozen=True)
class ScheduleConfig:
    refresh: str = "0 4 * * *"
    scan: str = "15 minutes"


@dataclass(frozen=True)
class HttpConfig:
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    retries: int = 3
    backoff: float = 1.0
    max_bytes: int = 10 * 1024 * 1024
    max_redirects: int = 5
    deadline: float = 300.0  # seconds for one whole fetch, retries and body included
    max_articles: int = 100  # KB articles a refresh fetches at most, over all sources that follow KB links


@dataclass(frozen=True)
class ReportConfig:
    """How reports are written; `findings` applies to the JSON (--format json, latest.json, hosts/*.json)."""

    findings: FindingsFilter = FindingsFilter.ALL


@dataclass(frozen=True)
class Config:
    path: Path | None = None
    state_dir: Path = Path("/var/lib/kbscan")
    reports_dir: Path = Path("/var/lib/kbscan/reports")
    max_inventory_age: Duration = field(default_factory=lambda: parse_duration("7 days"))
    history_retention: Duration = field(default_factory=lambda: parse_duration("365 days"))
    inventory: InventoryConfig = field(default_factory=InventoryConfig)
    deferral: DeferralPolicy = field(default_factory=DeferralPolicy)
    schedule: ScheduleConfig = field(default_factory=ScheduleConfig)
    http: HttpConfig = field(default_factory=HttpConfig)
    report: ReportConfig = field(default_factory=ReportConfig)
    sources: tuple[SourceConfig, ...] = tuple(SourceConfig(*s) for s in DEFAULT_SOURCES)
    hosts: tuple[HostGroup, ...] = ()
    exemptions: tuple[Exemption, ...] = ()

    @property
    def database(self) -> Path:
        return self.state_dir / "kbscan.db"


def find_config(explicit: str | None, environ: Mapping[str, str] | None = None) -> Path | None:
    """`--config`, then `$KBSCAN_CONFIG`, then /etc/kbscan/config.toml; None means built-in defaults."""
    environ = os.environ if environ is None else environ
    if explicit:
        return Path(explicit)
    if environ.get(ENV_VAR):
        return Path(environ[ENV_VAR])
    return SYSTEM_CONFIG if SYSTEM_CONFIG.is_file() else None


def load_config(path: Path | None) -> Config:
    if path is None:
        return Config()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as e:
        raise ConfigError(f"{path}: config file not found; create it (see config.example.toml) "
                          "or drop --config/$KBSCAN_CONFIG") from e
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError(f"{path}: cannot read config file: {e}") from e
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path}: not valid TOML: {e}") from e
    return parse_config(data, path)


T = TypeVar("T")


class _Reader:
    """Typed access to one TOML table that reports errors as `file: at 'dotted.key': ...`."""

    def __init__(self, data: Mapping[str, Any], where: str, path: Path) -> None:
        self.data, self.where, self.path, self.used = data, where, path, set[str]()

    def fail(self, key: str, message: str) -> ConfigError:
        dotted = f"{self.where}.{key}" if self.where else key
        return ConfigError(f"{self.path}: at '{dotted}': {message}")

    def get(self, key: str, kind: type[T], default: T) -> T:
        self.used.add(key)
        if key not in self.data:
            return default
        value = self.data[key]
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise self.fail(key, f"expected {kind.__name__}, got {type(value).__name__} {value!r}")
        return value

    def strings(self, key: str, default: tuple[str, ...] = (), choices: tuple[str, ...] = ()) -> tuple[str, ...]:
        values = self.get(key, list, list(default))
        for value in values:
            if not isinstance(value, str):
                raise self.fail(key, f"expected a list of strings, found {value!r}")
            if choices and value not in choices:
                raise self.fail(key, f"unknown value {value!r}; expected one of {', '.join(choices)}")
        return tuple(values)

    def convert(self, key: str, default: T, convert: Callable[[Any], T]) -> T:
        self.used.add(key)
        if key not in self.data:
            return default
        try:
            return convert(self.data[key])
        except (ValueError, TypeError) as e:
            raise self.fail(key, str(e)) from e

    def table(self, key: str) -> _Reader:
        value = self.get(key, dict, {})
        return _Reader(value, f"{self.where}.{key}" if self.where else key, self.path)

    def tables(self, key: str) -> list[_Reader]:
        values = self.get(key, list, [])
        readers = []
        for index, value in enumerate(values):
            where = f"{self.where + '.' if self.where else ''}{key}[{index}]"
            if not isinstance(value, dict):
                raise ConfigError(f"{self.path}: at '{where}': expected a table ([[{key}]])")
            readers.append(_Reader(value, where, self.path))
        return readers

    def done(self) -> None:
        unknown = sorted(set(self.data) - self.used)
        if unknown:
            raise self.fail(unknown[0], "unknown key; check the spelling against config.example.toml")


def _duration(value: Any) -> Duration:
    if not isinstance(value, str):
        raise TypeError(f"expected a duration string like \"7 days\", got {value!r}")
    return parse_duration(value)


def _kb(value: Any) -> str:
    return kb_id(value) if isinstance(value, str | int) else kb_id(repr(value))


def _date(value: Any) -> date:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        return date.fromisoformat(value)
    raise TypeError(f"expected a date (2014-06-30), got {value!r}")


def _findings_filter(value: Any) -> FindingsFilter:
    if value not in tuple(FindingsFilter):
        raise ValueError(f"expected \"all\" or \"action\", got {value!r}")
    return FindingsFilter(value)


def _positive(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise ValueError(f"expected a positive whole number, got {value!r}")
    return value


def _seconds(value: Any) -> float:
    if not isinstance(value, int | float) or isinstance(value, bool) or not 0 < value < float("inf"):
        raise ValueError(f"expected a number of seconds greater than 0, got {value!r}")
    return float(value)


def parse_config(data: Mapping[str, Any], path: Path) -> Config:
    root = _Reader(data, "", path)
    defaults = Config()
    state_dir = Path(root.get("state_dir", str, str(defaults.state_dir)))
    reports_dir = Path(root.get("reports_dir", str, str(state_dir / "reports")))
    max_age = root.convert("max_inventory_age", defaults.max_inventory_age, _duration)

    inv = root.table("inventory")
    inventory = InventoryConfig(
        paths=tuple(Path(p) for p in inv.strings("paths")),
        max_bytes=inv.convert("max_bytes", defaults.inventory.max_bytes, _positive),
    )
    inv.done()

    dfr = root.table("deferral")
    deferral = DeferralPolicy(
        period=dfr.convert("period", defaults.deferral.period, _duration),
        kinds=tuple(Kind(k) for k in dfr.strings("kinds", tuple(defaults.deferral.kinds), tuple(Kind))),
        approve_early=dfr.convert("approve_early", (), lambda v: tuple(_kb(x) for x in v)),
    )
    dfr.done()

    sch = root.table("schedule")
    schedule = ScheduleConfig(refresh=sch.get("refresh", str, defaults.schedule.refresh),
                              scan=sch.get("scan", str, defaults.schedule.scan))
    sch.done()

    hist = root.table("history")
    retention = hist.convert("retention", defaults.history_retention, _duration)
    hist.done()

    htt = root.table("http")
    http = HttpConfig(
        connect_timeout=htt.get("connect_timeout", float, defaults.http.connect_timeout),
        read_timeout=htt.get("read_timeout", float, defaults.http.read_timeout),
        retries=htt.get("retries", int, defaults.http.retries),
        backoff=htt.get("backoff", float, defaults.http.backoff),
        max_bytes=htt.convert("max_bytes", defaults.http.max_bytes, _positive),
        max_redirects=htt.get("max_redirects", int, defaults.http.max_redirects),
        deadline=htt.convert("deadline", defaults.http.deadline, _seconds),
        max_articles=htt.convert("max_articles", defaults.http.max_articles, _positive),
    )
    htt.done()

    rep = root.table("report")
    report = ReportConfig(findings=rep.convert("findings", defaults.report.findings, _findings_filter))
    rep.done()

    sources = []
    for src in root.tables("sources"):
        name = src.get("name", str, "")
        kind = src.get("kind", str, "page")
        if kind not in SOURCE_KINDS:
            raise src.fail("kind", f"unknown source kind {kind!r}; expected one of {', '.join(SOURCE_KINDS)}")
        url = src.get("url", str, WESNG_URL if kind == "wesng" else "")
        if not name or not url:
            raise src.fail("name" if not name else "url", "every [[sources]] needs a name and a url")
        if not url.startswith(("http://", "https://")):
            raise src.fail("url", f"only http(s) URLs can be sources, got {url!r}")
        sources.append(SourceConfig(name, url, src.strings("products", choices=PRODUCTS),
                                    src.strings("roles", choices=ROLES), kind=kind,
                                    follow_kb_links=src.get("follow_kb_links", bool, False)))
        src.done()
    names = [s.name for s in sources]
    if len(set(names)) != len(names):
        raise root.fail("sources", "two [[sources]] share a name; names identify a source's history")

    hosts = []
    for grp in root.tables("hosts"):
        match = grp.get("match", str, "")
        if not match:
            raise grp.fail("match", "every [[hosts]] group needs a match glob, e.g. \"HV*\"")
        os_value = grp.get("os", str, "") or None
        if os_value is not None and os_value not in PRODUCTS:
            raise grp.fail("os", f"unknown product {os_value!r}; expected one of {', '.join(PRODUCTS)}")
        roles = grp.strings("roles", choices=ROLES) if "roles" in grp.data else None
        hosts.append(HostGroup(match, os_value, roles, grp.get("cluster", str, "") or None))
        grp.done()

    exemptions = []
    for exm in root.tables("exemptions"):
        hosts_glob = exm.get("hosts", str, "")
        reason = exm.get("reason", str, "")
        if not hosts_glob or "kb" not in exm.data or "until" not in exm.data or not reason:
            raise exm.fail("", "every [[exemptions]] needs hosts, kb, until and reason")
        exemptions.append(Exemption(hosts_glob, exm.convert("kb", "", _kb),
                                    exm.convert("until", date.min, _date), reason))
        exm.done()

    root.done()
    return Config(
        path=path, state_dir=state_dir, reports_dir=reports_dir, max_inventory_age=max_age,
        history_retention=retention, inventory=inventory, deferral=deferral, schedule=schedule,
        http=http, report=report, sources=tuple(sources) if "sources" in data else defaults.sources,
        hosts=tuple(hosts), exemptions=tuple(exemptions),
    )
