"""dates: YYYY-MM-DD or YYYY-MM (its first day, or its last with month_end); anything else refused."""

from __future__ import annotations

import datetime as dt

import pytest

from advisor.dates import parse_date


@pytest.mark.parametrize("text, first, last", [
    ("2018-06-15", dt.date(2018, 6, 15), dt.date(2018, 6, 15)),  # a day is itself, month_end or not
    ("2018-06", dt.date(2018, 6, 1), dt.date(2018, 6, 30)),
    ("2018-12", dt.date(2018, 12, 1), dt.date(2018, 12, 31)),
    ("2024-02", dt.date(2024, 2, 1), dt.date(2024, 2, 29)),  # leap year
    ("2023-02", dt.date(2023, 2, 1), dt.date(2023, 2, 28)),
    ("1900-02", dt.date(1900, 2, 1), dt.date(1900, 2, 28)),  # century, not leap
    ("2000-02", dt.date(2000, 2, 1), dt.date(2000, 2, 29)),
    ("  2026-11-01\n", dt.date(2026, 11, 1), dt.date(2026, 11, 1)),  # blanks around are fine
])
def test_accepted_forms(text, first, last):
    assert parse_date(text) == first
    assert parse_date(text, month_end=True) == last


def test_leap_day_only_in_leap_years():
    assert parse_date("2024-02-29") == dt.date(2024, 2, 29)
    with pytest.raises(ValueError) as err:
        parse_date("2023-02-29")
    assert str(err.value) == "'2023-02-29' is not a real date; use YYYY-MM or YYYY-MM-DD"


@pytest.mark.parametrize("text", [
    "June 2018", "2018", "2018/06", "2018-6", "18-06", "2018-06-1", "2018-06-01T00:00", "20180601", "",
    "-2018-06", "2018-06-01-02",
])
def test_other_forms_are_not_dates(text):
    with pytest.raises(ValueError) as err:
        parse_date(text)
    assert str(err.value) == f"'{text}' is not a date; use YYYY-MM or YYYY-MM-DD"


@pytest.mark.parametrize("text", ["2018-13", "2018-00", "2018-04-31", "2018-06-00", "2018-13-01", "0000-01"])
def test_impossible_dates_are_refused_as_not_real(text):
    for month_end in (False, True):
        with pytest.raises(ValueError) as err:
            parse_date(text, month_end=month_end)
        assert str(err.value) == f"'{text}' is not a real date; use YYYY-MM or YYYY-MM-DD"


def test_the_error_is_a_plain_value_error_without_a_chained_cause():
    with pytest.raises(ValueError) as err:
        parse_date("2018-02-30")
    assert err.type is ValueError and err.value.__cause__ is None and err.value.__suppress_context__


def test_non_strings_are_read_as_their_text():
    with pytest.raises(ValueError, match="'201806' is not a date"):
        parse_date(201806)
    assert parse_date(dt.date(2018, 6, 15)) == dt.date(2018, 6, 15)  # str(date) is YYYY-MM-DD


# ---------------------------------------------------------------- --as-of outside what the knowledge can say


def test_as_of_after_the_knowledge_date_warns_on_stderr_and_the_output_says_so(cli):
    from advisor import knowledge as kb

    latest = kb.load().latest
    r = cli("recommend", "--as-of", "2027-01")
    assert r.code == 0
    assert r.err == (f"advisor: --as-of 2027-01: after the knowledge date; the facts end on {latest}, "
                     "so this is what was known then\n")
    assert f"The facts end on {latest} (the knowledge date)" in " ".join(r.out.split())


def test_as_of_at_the_knowledge_date_or_its_month_says_nothing_more(cli):
    for date in ("2026-11-01", "2026-11"):  # a month stands for its end; the knowledge of 2026-11-01 is that month's
        r = cli("recommend", "--as-of", date)
        assert r.code == 0 and r.err == "" and "The facts end on" not in r.out
    r = cli("recommend", "--as-of", "2026-12-01")
    assert r.code == 0 and "after the knowledge date" in r.err


def test_as_of_before_the_knowledge_can_recommend_is_exit_2_naming_the_earliest_usable_date(cli):
    from advisor import engine, knowledge as kb, questions

    first = engine.first_usable(kb.load(), questions.load())
    assert first is not None and first.isoformat() <= "2018-06-30"  # the Showdown's date is usable
    for date in ("2010-01", "2016-01"):
        r = cli("recommend", "--as-of", date)
        assert r.code == 2 and r.out == ""
        assert r.err.count("\n") == 1 and r.err.rstrip().endswith(f"the earliest usable date is {first}")
        assert "Relaxing any single need" not in r.err
    r = cli("recommend", "--as-of", first.isoformat())
    assert r.code in (0, 1) and "earliest usable" not in r.err  # the boundary itself is usable


def test_the_earliest_usable_date_is_where_a_pair_first_exists():
    import datetime as dt

    from advisor import engine, knowledge as kb, questions
    from advisor.catalog import catalog

    k, qs = kb.load(), questions.load()
    first = engine.first_usable(k, qs)
    assert engine.usable(catalog(first, k), qs)
    assert not engine.usable(catalog(first - dt.timedelta(days=1), k), qs)
