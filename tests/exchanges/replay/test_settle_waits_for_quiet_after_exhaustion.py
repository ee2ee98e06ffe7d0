"""The replay ends only after every frame is sent, the client is not busy, and nothing has come
in for a moment; a client stuck retrying, or a replay going nowhere, is given up on."""

from exchanges.replay.runner import IDLE_CAP, QUIET_AFTER, STUCK_AFTER, SettleWatch


def test_settle_waits_for_quiet_after_exhaustion():
    watch = SettleWatch(progress_at=0.0)
    check = watch.check
    assert check(now=100.0, exhausted=False, busy=False, last_activity=99.0, sent=10) is None
    # Exhausted, but the client just received something: it may still be working through it.
    assert check(now=101.0, exhausted=True, busy=False, last_activity=101.0, sent=10) is None
    assert (
        check(now=101.0 + QUIET_AFTER / 2, exhausted=True, busy=False, last_activity=101.0, sent=10) is None
    )
    # Busy (a snapshot in flight): not settled, however quiet, until it looks stuck.
    assert check(now=101.0 + QUIET_AFTER, exhausted=True, busy=True, last_activity=101.0, sent=10) is None
    assert (
        check(now=101.0 + QUIET_AFTER, exhausted=True, busy=False, last_activity=101.0, sent=10) == "settled"
    )
    assert check(now=101.0 + STUCK_AFTER, exhausted=True, busy=True, last_activity=101.0, sent=10) == "stuck"


def test_replay_going_nowhere_is_idle():
    watch = SettleWatch(progress_at=0.0)
    assert watch.check(now=1.0, exhausted=False, busy=False, last_activity=0.0, sent=0) is None
    # Holding a frame for its recorded time (--speed N) is not idleness.
    assert (
        watch.check(now=IDLE_CAP + 1, exhausted=False, busy=False, last_activity=0.0, sent=0, pacing=True)
        is None
    )
    later = 2 * IDLE_CAP + 2
    assert watch.check(now=later, exhausted=False, busy=False, last_activity=0.0, sent=0) == "idle"
