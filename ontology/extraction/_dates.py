"""Deadlines in decision sentences: "by Friday", "by 2026-03-01", "by end of month",
"next sprint", "by Q3". Resolved against the document's date (or today when unknown).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

_WEEKDAYS = {
    name: i
    for i, names in enumerate(
        (
            ("monday", "mon"),
            ("tuesday", "tue", "tues"),
            ("wednesday", "wed"),
            ("thursday", "thu", "thur", "thurs"),
            ("friday", "fri"),
            ("saturday", "sat"),
            ("sunday", "sun"),
        )
    )
    for name in names
}
_MONTHS = {
    name: i
    for i in range(1, 13)
    for name in (calendar.month_name[i].lower(), calendar.month_abbr[i].lower())
}
_MONTHS["sept"] = 9
_WD = "|".join(sorted(_WEEKDAYS, key=len, reverse=True))
_MO = "|".join(sorted(_MONTHS, key=len, reverse=True))

_DEADLINE = re.compile(
    r"\b(?P<prep>by|before|until|till|due|no\s+later\s+than|deadline(?:\s+is)?:?|eta:?|on|"
    r"starting|from|in|within)?\s*(?:the\s+)?"
    r"(?P<what>"
    r"(?P<iso>\d{4}-\d{2}-\d{2})|"
    r"(?P<md>(?P<mon1>"
    + _MO
    + r")\.?\s+(?P<day1>\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(?P<yr1>\d{4}))?)|"
    r"(?P<dm>(?P<day2>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<mon2>"
    + _MO
    + r")\.?(?:,?\s+(?P<yr2>\d{4}))?)|"
    r"(?P<q>q(?P<qn>[1-4])(?:\s+(?P<qy>\d{4}))?)|"
    r"(?P<eo>(?:the\s+)?end\s+of\s+(?:the\s+)?(?P<eonext>next\s+|this\s+)?(?P<eounit>day|week|month|quarter|year|sprint))|"
    r"(?P<eabbr>eod|eow|eom|eoq|eoy)|"
    r"(?P<rel>today|tonight|tomorrow)|"
    r"(?P<next>(?P<nextkw>next|this)\s+(?P<nextunit>week|month|quarter|sprint|release|"
    + _WD
    + r"))|"
    r"(?P<wd>" + _WD + r")|"
    r"(?P<inn>(?P<n>\d{1,3}|a|one|two|three|four|six)\s+(?P<unit>days?|weeks?|months?|sprints?))"
    r")\b"
)
_NUM = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "six": 6}


@dataclass(slots=True, frozen=True)
class Deadline:
    when: date
    text: str
    start: int
    end: int


def _end_of_month(d: date) -> date:
    return d.replace(day=calendar.monthrange(d.year, d.month)[1])


def _end_of_quarter(d: date, offset: int = 0) -> date:
    q = (d.month - 1) // 3 + offset
    year = d.year + q // 4
    month = (q % 4) * 3 + 3
    return date(year, month, calendar.monthrange(year, month)[1])


def _add_months(d: date, n: int) -> date:
    m = d.month - 1 + n
    year, month = d.year + m // 12, m % 12 + 1
    return d.replace(year=year, month=month, day=min(d.day, calendar.monthrange(year, month)[1]))


def _date_or_next_year(ref: date, month: int, day: int, year: str | None) -> date | None:
    try:
        if year:
            return date(int(year), month, day)
        d = date(ref.year, month, day)
        return d if d >= ref - timedelta(days=7) else date(ref.year + 1, month, day)
    except ValueError:
        return None


def find_deadline(text: str, ref: date, *, sprint_days: int = 14) -> Deadline | None:
    """The first deadline phrase in ``text``, resolved against ``ref``.

    "next sprint" is approximate: the end of the next ``sprint_days`` period from ``ref``.
    A bare weekday needs a preposition ("by Friday", "on Monday") to count.
    """
    low = text.lower()
    for m in _DEADLINE.finditer(low):
        prep = (m.group("prep") or "").strip()
        when: date | None = None
        if m.group("iso"):
            try:
                when = date.fromisoformat(m.group("iso"))
            except ValueError:
                when = None
        elif m.group("md"):
            when = _date_or_next_year(
                ref, _MONTHS[m.group("mon1")], int(m.group("day1")), m.group("yr1")
            )
        elif m.group("dm"):
            when = _date_or_next_year(
                ref, _MONTHS[m.group("mon2")], int(m.group("day2")), m.group("yr2")
            )
        elif m.group("q"):
            if not prep and not m.group("qy"):
                continue
            year = int(m.group("qy")) if m.group("qy") else ref.year
            when = _end_of_quarter(date(year, int(m.group("qn")) * 3, 1))
            if not m.group("qy") and when < ref:
                when = _end_of_quarter(date(year + 1, int(m.group("qn")) * 3, 1))
        elif m.group("eo") or m.group("eabbr"):
            unit = (
                m.group("eounit")
                or {
                    "eod": "day",
                    "eow": "week",
                    "eom": "month",
                    "eoq": "quarter",
                    "eoy": "year",
                }[m.group("eabbr")]
            )
            nxt = bool(m.group("eonext") and m.group("eonext").strip() == "next")
            when = _end_of(unit, ref, nxt, sprint_days)
        elif m.group("rel"):
            when = ref + timedelta(days=1 if m.group("rel") == "tomorrow" else 0)
        elif m.group("next"):
            unit = m.group("nextunit")
            nxt = m.group("nextkw") == "next"
            if unit in _WEEKDAYS:
                when = _weekday(ref, _WEEKDAYS[unit], next_week=nxt)
            elif unit == "release":
                continue  # no calendar for releases
            else:
                when = _end_of(unit, ref, nxt, sprint_days)
        elif m.group("wd"):
            if prep not in ("by", "before", "until", "till", "due", "on", "no later than"):
                continue
            when = _weekday(ref, _WEEKDAYS[m.group("wd")], next_week=False)
        elif m.group("inn"):
            if prep not in ("in", "within"):
                continue
            raw = m.group("n")
            n = int(raw) if raw.isdigit() else _NUM[raw]
            unit = m.group("unit").rstrip("s")
            days = {"day": 1, "week": 7, "sprint": sprint_days}.get(unit)
            when = _add_months(ref, n) if unit == "month" else ref + timedelta(days=n * (days or 1))
        if when is None:
            continue
        start = m.start("prep") if m.group("prep") else m.start("what")
        return Deadline(when, text[start : m.end()], start, m.end())
    return None


def _weekday(ref: date, weekday: int, *, next_week: bool) -> date:
    ahead = (weekday - ref.weekday()) % 7
    when = ref + timedelta(days=ahead)
    if next_week:
        # "next Friday": the Friday of the following week
        monday_next = ref + timedelta(days=7 - ref.weekday())
        when = monday_next + timedelta(days=weekday)
    return when


def _end_of(unit: str, ref: date, nxt: bool, sprint_days: int) -> date:
    if unit == "day":
        return ref + timedelta(days=1 if nxt else 0)
    if unit == "week":
        friday = ref + timedelta(days=(4 - ref.weekday()) % 7)
        return friday + timedelta(days=7 if nxt else 0)
    if unit == "month":
        return _end_of_month(_add_months(ref, 1) if nxt else ref)
    if unit == "quarter":
        return _end_of_quarter(ref, 1 if nxt else 0)
    if unit == "year":
        return date(ref.year + (1 if nxt else 0), 12, 31)
    # sprint: approximate with fixed-length periods from ref
    return ref + timedelta(days=sprint_days * (2 if nxt else 1))
