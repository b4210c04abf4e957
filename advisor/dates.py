"""Dates as the knowledge and the CLI write them: YYYY-MM-DD or YYYY-MM."""

from __future__ import annotations

import calendar
import datetime as dt
import re

_DATE = re.compile(r"^([0-9]{4})-([0-9]{2})(?:-([0-9]{2}))?$")  # ASCII digits only


def parse_date(text: str, *, month_end: bool = False) -> dt.date:
    """Parse YYYY-MM-DD or YYYY-MM; a month is its first day, or its last with month_end.

    Raises ValueError with a message fit for the user.
    """
    m = _DATE.match(str(text).strip())
    if not m:
        from advisor.safe_text import show

        raise ValueError(f"{show(text)} is not a date; use YYYY-MM or YYYY-MM-DD")
    year, month = int(m.group(1)), int(m.group(2))
    if m.group(3) is not None:
        day = int(m.group(3))
    elif month_end and 1 <= month <= 12:
        day = calendar.monthrange(year, month)[1]
    else:
        day = 1
    try:
        return dt.date(year, month, day)
    except ValueError:
        from advisor.safe_text import show

        raise ValueError(f"{show(text)} is not a real date; use YYYY-MM or YYYY-MM-DD") from None


def past_knowledge(as_of: dt.date, knowledge_date: dt.date) -> bool:
    """Whether an as-of date lies after the knowledge date's month (`--as-of 2026-11` stands for the end of
    November, and the knowledge of 2026-11-01 is that month's: no warning; 2026-12 is past it)."""
    return as_of > dt.date(knowledge_date.year, knowledge_date.month,
                           calendar.monthrange(knowledge_date.year, knowledge_date.month)[1])
