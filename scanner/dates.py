"""Dates and durations as Windows tools and web pages write them; calendar-month arithmetic."""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from scanner.vocabulary import month_number

# Numeric short dates, with an optional time after them (`2013/12/11 0:00:00`, `5-12-2013 00:00:00`).
# Year first (ISO and sv/lt/ko `2013-12-11`, ja/zh/en-ZA `2013/12/11`, hu `2013. 12. 11.`): always y-M-d.
_YEAR_FIRST = re.compile(r"^(\d{4})([-/.]) ?(\d{1,2})\2 ?(\d{1,2})\.?(?:[T ,].*)?$")
# Year last: `.` (de, ru, pl, tr, cs `11. 12. 2013`, hr `11.12.2013.`) is always day-first; `-` (nl
# `5-12-2013`, da, en-IN) is day-first unless the file shows otherwise; `/` is US M/d or d/M: ambiguous.
_YEAR_LAST = re.compile(r"^(\d{1,2})([-/.]) ?(\d{1,2})\2 ?(\d{4})\.?(?:,? .*)?$")
_MS_DATE = re.compile(r"^/?\\?/?Date\((-?\d+)(?:[+-]\d{4})?\)\\?/?$")
_FILETIME = re.compile(r"^[0-9a-fA-F]{16}$")
# Long forms with a month name in any language of the word table: `December 10, 2013`, `10. Dezember
# 2013`, `10 décembre 2013`, `10 de diciembre de 2013`.
_LONG_MDY = re.compile(r"^([^\W\d_]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})$")
_LONG_DMY = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?\.?\s+(?:de\s+)?([^\W\d_]+)\.?,?\s+(?:de\s+)?(\d{4})$")
_FILETIME_EPOCH = datetime(1601, 1, 1, tzinfo=UTC)


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


@dataclass(frozen=True)
class DateOrder:
    """How one file writes the day/month dates that do not say it themselves (`05/12/2013`, `5-12-2013`).

    Per separator: True day-first, False month-first, None when the file's dates contradict each other
    (joined exports from hosts in different cultures), so a date that reads both ways is left blank
    rather than guessed. A date with a part over 12 reads one way only and is always read that way.
    """

    slash: bool | None = False  # `/`: US M/d/yyyy unless the file or the caller says d/M/yyyy
    dash: bool | None = True  # `-`: d-M-yyyy (nl-NL, da-DK, en-IN); no culture writes M-d-yyyy


def order_evidence(first: int, second: int) -> bool | None:
    """What one day/month date proves: True day-first (`25/11`), False month-first (`11/25`), None."""
    return True if first > 12 else False if second > 12 else None


def _evidence(separator: str, day_first: bool) -> re.Pattern[str]:
    """A line of `date_order`'s joined texts that is a year-last date with a part over 12 on that side."""
    big, small = r"(?:1[3-9]|[2-9]\d)", r"\d{1,2}"
    first, second = (big, small) if day_first else (small, big)
    return re.compile(rf'^[\s"]*{first}{separator}{second}{separator}\d{{4}}(?!\d)', re.MULTILINE)


_EVIDENCE = {(separator, side): _evidence(separator, side) for separator in "/-" for side in (True, False)}


def date_order(texts: Iterable[str], slash_default: bool) -> DateOrder:
    """The order a file's `/` and `-` dates follow: its own unambiguous dates decide, separately per
    separator; without any, `/` follows `slash_default` and `-` is day-first. Contradicting dates
    (`25/11/2013` and `11/25/2013`) give None: the ambiguous ones stay blank. One regex search per
    separator and side over all the texts at once: this runs for every inventory file."""
    joined = "\n".join(texts)
    return DateOrder(slash=_side(joined, "/", slash_default), dash=_side(joined, "-", True))


def _side(joined: str, separator: str, default: bool) -> bool | None:
    if separator not in joined:
        return default
    day = _EVIDENCE[separator, True].search(joined) is not None
    month = _EVIDENCE[separator, False].search(joined) is not None
    return None if day and month else True if day else False if month else default


def parse_date(text: str | None, *, day_first: bool = False, order: DateOrder | None = None) -> date | None:
    """Parse one date as inventories and pages write it; None for blank or unrecognised text.

    Accepts year-first dates (ISO `2013-12-11` with an optional time, `2013/12/11`, `2013. 12. 11.`),
    dotted `11.12.2013` (always day-first), dashed `5-12-2013` (day-first), US `12/11/2013`
    (day-first when `day_first`, as a German or French locale writes it), .NET `/Date(1386720000000)/`,
    16-digit hex FILETIME (`01cef9c1a6c8e000`, old wmic) and long forms (`December 10, 2013`,
    `10 December 2013`). `order` (a file's `DateOrder`) replaces `day_first` and the dash rule. A slash
    or dash date with a part over 12 is read the only way it can be, whatever the flags say.
    """
    if text is None:
        return None
    value = text.strip().strip('"').strip()
    if not value:
        return None
    if match := _YEAR_FIRST.match(value):
        return _safe_date(int(match[1]), int(match[3]), int(match[4]))
    if match := _YEAR_LAST.match(value):
        first, separator, second, year = int(match[1]), match[2], int(match[3]), int(match[4])
        if separator == ".":
            return _safe_date(year, second, first)
        rule = order or DateOrder(slash=day_first)
        says = order_evidence(first, second)
        day_is_first = says if says is not None else rule.slash if separator == "/" else rule.dash
        if day_is_first is None:
            return None
        return _safe_date(year, second, first) if day_is_first else _safe_date(year, first, second)
    if match := _MS_DATE.match(value):
        try:
            return datetime.fromtimestamp(int(match[1]) / 1000, tz=UTC).date()
        except (ValueError, OverflowError, OSError):  # out of datetime's range: unrecognised, not a crash
            return None
    if _FILETIME.match(value):
        return filetime_to_date(value)
    if match := _LONG_MDY.match(value):
        month = month_number(match[1])
        return _safe_date(int(match[3]), month, int(match[2])) if month else None
    if match := _LONG_DMY.match(value):
        month = month_number(match[2])
        return _safe_date(int(match[3]), month, int(match[1])) if month else None
    return None


def filetime_to_date(hex_value: str) -> date | None:
    """A 64-bit FILETIME (100 ns ticks since 1601-01-01 UTC) written as 16 hex digits."""
    try:
        ticks = int(hex_value, 16)
        return (_FILETIME_EPOCH + timedelta(microseconds=ticks // 10)).date()
    except (ValueError, OverflowError):
        return None


def parse_datetime(text: str | None) -> datetime | None:
    """An ISO 8601 timestamp (`2013-12-19T07:30:00Z`, with offset or naive = UTC), else None."""
    if not text or not text.strip():
        return None
    value = text.strip()
    if value.endswith(("Z", "z")):
        value = value[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        day = parse_date(value)
        return datetime(day.year, day.month, day.day, tzinfo=UTC) if day else None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def add_months(day: date, months: int) -> date:
    """Calendar-month arithmetic clamped to the month's end: Dec 10 + 1 = Jan 10, Jan 31 + 1 = Feb 28/29."""
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


_DURATION = re.compile(r"^\s*(\d+)\s*([a-zA-Z]+)\s*$")
_UNITS = {
    "s": "seconds", "sec": "seconds", "second": "seconds", "seconds": "seconds",
    "m": "minutes", "min": "minutes", "minute": "minutes", "minutes": "minutes",
    "h": "hours", "hour": "hours", "hours": "hours",
    "d": "days", "day": "days", "days": "days",
    "w": "weeks", "week": "weeks", "weeks": "weeks",
    "month": "months", "months": "months",
}


@dataclass(frozen=True)
class Duration:
    """A configured period: a count of calendar months, or a fixed timedelta."""

    months: int = 0
    delta: timedelta = timedelta()
    text: str = ""

    def after(self, day: date) -> date:
        return add_months(day, self.months) + timedelta(days=self.delta.days)

    def before(self, moment: datetime) -> datetime:
        if self.months:
            shifted = add_months(moment.date(), -self.months)
            moment = moment.replace(year=shifted.year, month=shifted.month, day=shifted.day)
        return moment - self.delta

    @property
    def seconds(self) -> float:
        return self.delta.total_seconds() + self.months * 30 * 86400


def parse_duration(text: str) -> Duration:
    """`"1 month"`, `"30 days"`, `"7 days"`, `"15 minutes"`, `"2 s"`; ValueError for anything else."""
    match = _DURATION.match(text)
    unit = _UNITS.get(match[2].lower()) if match else None
    if not match or unit is None:
        raise ValueError(
            f"not a duration: {text!r} (write a number and a unit: seconds, minutes, hours, days, "
            "weeks or months, e.g. \"1 month\")"
        )
    count = int(match[1])
    if unit == "months":
        return Duration(months=count, text=text)
    return Duration(delta=timedelta(**{unit: count}), text=text)
