"""Recurring events: RFC 5545 repetition rules (RRULE), checked and expanded. No Django.

A series repeats *days*: the rule says which local days ("every Thursday", "the first
Monday of the month"), the series gives the wall-clock time, read in the space's time zone
on each day, so a Thursday lunch stays at 12:30 on both sides of a clock change. Parsing and
expansion are dateutil's (`dateutil.rrule`, RFC 5545 §3.3.10 semantics: the first day counts
only if the rule matches it).

A rule must end: COUNT or UNTIL is required, and the last occurrence must fall within
`MAX_HORIZON_DAYS` of the first day and `MAX_OCCURRENCES` in number. Rules that repeat
within a day (FREQ=HOURLY…, BYHOUR…) are refused: a series has one time of day.

Cost: O(n) in the number of occurrences, which is bounded by `MAX_OCCURRENCES`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from dateutil import rrule

MAX_HORIZON_DAYS = 366
MAX_OCCURRENCES = 120
FREQUENCIES = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
_INTRADAY = ("BYHOUR", "BYMINUTE", "BYSECOND")
# What a series may use. BYYEARDAY, BYWEEKNO and BYEASTER are left out, and BYSETPOS is kept
# to months and years: combined with the rest they can describe a set that is empty forever,
# which dateutil would search until the year 9999 (seconds of CPU per request).
SUPPORTED = ("FREQ", "INTERVAL", "COUNT", "UNTIL", "BYDAY", "BYMONTHDAY", "BYMONTH", "BYSETPOS",
             "WKST")  # fmt: skip
_ORDINAL = re.compile(r"([+-]?[0-9]{1,2})?")
_MONTH_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


class RecurrenceError(ValueError):
    """Why a rule is refused: `reason` is one of "invalid", "frequency", "intraday",
    "unsupported", "endless", "too_many", "too_far", "empty", "exception"; `detail` names the culprit."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class Rule:
    text: str  # normalised: "FREQ=WEEKLY;BYDAY=TH;COUNT=12" (no "RRULE:" prefix)
    days: tuple[dt.date, ...]  # every occurrence, exceptions removed

    @property
    def last_day(self) -> dt.date:
        return self.days[-1]


def normalise(text: str) -> dict[str, str]:
    """The rule's parts as {"FREQ": "WEEKLY", ...}; refuses what is not NAME=VALUE;..."""
    text = (text or "").strip()
    if text.upper().startswith("RRULE:"):
        text = text[6:]
    if not text or "\n" in text or ":" in text:
        raise RecurrenceError("invalid", text)
    parts: dict[str, str] = {}
    for chunk in text.strip(";").split(";"):
        name, sep, value = chunk.partition("=")
        name, value = name.strip().upper(), value.strip().upper()
        if not sep or not name or not value or name in parts:
            raise RecurrenceError("invalid", chunk)
        parts[name] = value
    if "UNTIL" in parts:
        # A series repeats days: an UNTIL with a time (…T235959Z) keeps its date only.
        parts["UNTIL"] = parts["UNTIL"][:8]
    return parts


def parse(text: str, *, first_day: dt.date, exceptions: Iterable[dt.date] = ()) -> Rule:
    """Check `text` and expand it from `first_day`; `RecurrenceError` says why not."""
    parts = normalise(text)
    freq = parts.get("FREQ")
    if freq is None:
        raise RecurrenceError("invalid", "FREQ")
    if freq not in FREQUENCIES:
        raise RecurrenceError("frequency", freq)
    intraday = [p for p in _INTRADAY if p in parts]
    if intraday:
        raise RecurrenceError("intraday", intraday[0])
    unsupported = [p for p in parts if p not in SUPPORTED]
    if unsupported:
        raise RecurrenceError("unsupported", unsupported[0])
    if "COUNT" not in parts and "UNTIL" not in parts:
        raise RecurrenceError("endless")
    _check_feasible(parts)
    if "COUNT" in parts:
        if not parts["COUNT"].isdigit() or int(parts["COUNT"]) < 1:
            raise RecurrenceError("invalid", f"COUNT={parts['COUNT']}")
        if int(parts["COUNT"]) > MAX_OCCURRENCES:
            raise RecurrenceError("too_many", parts["COUNT"])
    normalised = ";".join(f"{k}={v}" for k, v in parts.items())
    start = dt.datetime.combine(first_day, dt.time(0, 0))
    try:
        rule = rrule.rrulestr(normalised, dtstart=start)
        # Never iterate an unbounded set: at most one more than allowed.
        days = []
        for occurrence in rule:
            days.append(occurrence.date())
            if len(days) > MAX_OCCURRENCES:
                raise RecurrenceError("too_many", str(len(days)))
            if (occurrence.date() - first_day).days > MAX_HORIZON_DAYS:
                raise RecurrenceError("too_far", occurrence.date().isoformat())
    except RecurrenceError:
        raise
    except (ValueError, TypeError, KeyError, IndexError, OverflowError) as exc:
        raise RecurrenceError("invalid", str(exc)) from None
    skipped = set(exceptions)
    unknown = sorted(skipped - set(days))
    if unknown:
        raise RecurrenceError("exception", unknown[0].isoformat())
    kept = tuple(d for d in days if d not in skipped)
    if not kept:
        raise RecurrenceError("empty")
    return Rule(text=normalised, days=kept)


def _int_list(parts: dict[str, str], name: str) -> list[int]:
    try:
        return [int(v) for v in parts[name].split(",")] if name in parts else []
    except ValueError:
        raise RecurrenceError("invalid", f"{name}={parts[name]}") from None


def _check_feasible(parts: dict[str, str]) -> None:
    """Refuse the combinations that no day ever matches (so expansion always ends soon)."""
    months = _int_list(parts, "BYMONTH") or list(range(1, 13))
    if any(not 1 <= m <= 12 for m in months):
        raise RecurrenceError("invalid", f"BYMONTH={parts['BYMONTH']}")
    longest = max(_MONTH_DAYS[m - 1] for m in months)
    monthdays = _int_list(parts, "BYMONTHDAY")
    if any(d == 0 or abs(d) > 31 for d in monthdays):
        raise RecurrenceError("invalid", f"BYMONTHDAY={parts['BYMONTHDAY']}")
    if monthdays and all(abs(d) > longest for d in monthdays):
        raise RecurrenceError("empty")
    for item in parts.get("BYDAY", "").split(",") if "BYDAY" in parts else ():
        ordinal, weekday = item[:-2], item[-2:]
        if weekday not in _WEEKDAYS or not _ORDINAL.fullmatch(ordinal):
            raise RecurrenceError("invalid", f"BYDAY={parts['BYDAY']}")
        limit = {"MONTHLY": 5, "YEARLY": 53}.get(parts["FREQ"], 0)
        if ordinal and not (0 < abs(int(ordinal)) <= limit):
            raise RecurrenceError("invalid", f"BYDAY={parts['BYDAY']}")
    positions = _int_list(parts, "BYSETPOS")
    if positions:
        # "The last working day of the month": positions among weekdays of a month, which
        # every month has at least four of (a fifth at most every 28 years for February).
        if parts["FREQ"] not in ("MONTHLY", "YEARLY") or "BYDAY" not in parts or monthdays:
            raise RecurrenceError("unsupported", "BYSETPOS")
        if any(p == 0 or abs(p) > 5 for p in positions):
            raise RecurrenceError("invalid", f"BYSETPOS={parts['BYSETPOS']}")
    interval = _int_list(parts, "INTERVAL")
    if interval and not 1 <= interval[0] <= 366:
        raise RecurrenceError("invalid", f"INTERVAL={parts['INTERVAL']}")


def simple_rule(
    *,
    repeat: str,
    first_day: dt.date,
    count: int | None = None,
    until: dt.date | None = None,
) -> str:
    """The RRULE of the form's simple choices: "weekly", "fortnightly", "monthly" (same
    weekday of the month as `first_day`: "the 2nd Thursday"), "weekdays"."""
    weekday = _WEEKDAYS[first_day.weekday()]
    if repeat == "weekly":
        text = f"FREQ=WEEKLY;BYDAY={weekday}"
    elif repeat == "fortnightly":
        text = f"FREQ=WEEKLY;INTERVAL=2;BYDAY={weekday}"
    elif repeat == "monthly":
        nth = (first_day.day - 1) // 7 + 1
        text = f"FREQ=MONTHLY;BYDAY={nth if nth < 5 else -1}{weekday}"
    elif repeat == "weekdays":
        text = "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"
    else:
        raise RecurrenceError("invalid", repeat)
    if count is not None:
        text += f";COUNT={count}"
    if until is not None:
        text += f";UNTIL={until:%Y%m%d}"
    return text


def days_between(rule: Rule, start: dt.date, end: dt.date) -> list[dt.date]:
    """The rule's days in [start, end] (both included)."""
    return [d for d in rule.days if start <= d <= end]
