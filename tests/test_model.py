import datetime as dt

import pytest
from pydantic import ValidationError

from viz.record.model import DateSpec, Precision, format_partial_date, partial_date_bounds


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        ("2025-11-04", dt.date(2025, 11, 4), dt.date(2025, 11, 4)),
        ("2014-06", dt.date(2014, 6, 1), dt.date(2014, 6, 30)),
        ("2024-02", dt.date(2024, 2, 1), dt.date(2024, 2, 29)),
        ("2021-12", dt.date(2021, 12, 1), dt.date(2021, 12, 31)),
        ("2017", dt.date(2017, 1, 1), dt.date(2017, 12, 31)),
    ],
)
def test_partial_date_bounds(text, first, last):
    assert partial_date_bounds(text) == (first, last)


def test_format_partial_date():
    assert format_partial_date("2025-11-04") == "4 Nov 2025"
    assert format_partial_date("2014-06") == "Jun 2014"
    assert format_partial_date("2017") == "2017"


def test_datespec_accepts_yaml_dates_and_ranges():
    spec = DateSpec.model_validate({"start": dt.date(2025, 11, 4), "end": "2025-11-06", "precision": "day"})
    assert spec.start == "2025-11-04"
    assert spec.bounds() == (dt.date(2025, 11, 4), dt.date(2025, 11, 6))
    assert spec.label() == "4 Nov 2025 – 6 Nov 2025"


def test_unknown_date_has_no_bounds():
    spec = DateSpec(precision=Precision.unknown)
    assert spec.bounds() is None
    assert spec.label() == "date unknown"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"start": "2025-11", "precision": "day"}, "but precision says 'day'"),
        ({"start": "2025-11-04", "precision": "month"}, "but precision says 'month'"),
        ({"start": "2025-02-30", "precision": "day"}, "not a real date"),
        ({"start": "4 Nov 2025", "precision": "day"}, "is not a date of the form"),
        ({"precision": "day"}, "no start date"),
        ({"start": "2025", "precision": "unknown"}, "a date is given"),
        ({"start": "2025-11-06", "end": "2025-11-04", "precision": "day"}, "the later date must come second"),
        ({"start": "2025-11-04", "precision": "week"}, "Input should be"),
    ],
)
def test_datespec_rejects_inconsistent_dates(data, message):
    with pytest.raises(ValidationError, match=message):
        DateSpec.model_validate(data)
