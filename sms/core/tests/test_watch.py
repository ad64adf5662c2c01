from datetime import date, timedelta

from sms.core import watch

TODAY = date(2026, 11, 23)


def test_permission_bands_at_their_boundaries():
    assert watch.permission_ending_band(TODAY + timedelta(days=91), TODAY) is None
    assert watch.permission_ending_band(TODAY + timedelta(days=90), TODAY) == 90
    assert watch.permission_ending_band(TODAY + timedelta(days=61), TODAY) == 90
    assert watch.permission_ending_band(TODAY + timedelta(days=60), TODAY) == 60
    assert watch.permission_ending_band(TODAY + timedelta(days=31), TODAY) == 60
    assert watch.permission_ending_band(TODAY + timedelta(days=30), TODAY) == 30
    assert watch.permission_ending_band(TODAY, TODAY) == 30


def test_ended_or_unknown_permission_is_not_ending():
    assert watch.permission_ending_band(TODAY - timedelta(days=1), TODAY) is None
    assert watch.permission_ending_band(None, TODAY) is None


def test_follow_up_falls_on_the_last_day_of_permission_and_is_announced_28_days_before():
    end = date(2027, 3, 31)
    assert watch.rtw_follow_up_date(end) == end
    assert watch.rtw_follow_up_window_opens(end) == date(2027, 3, 3)
    assert watch.rtw_follow_up_date(None) is None


def test_absence_warning_runs_from_the_sixth_to_the_tenth_working_day():
    assert not watch.absence_is_approaching_reportable(5)
    assert watch.absence_is_approaching_reportable(6)
    assert watch.absence_is_approaching_reportable(10)
    assert not watch.absence_is_approaching_reportable(11)  # reportable now: an obligation, not a warning
