"""The last-activity mark of a session, for the idle timeout (p04.1-b).

The mark is written at most every ``RESOLUTION`` seconds: writing it on every request saved the
whole session row on every page view, a database write per read that serialised concurrent
requests. The timeout is configured in minutes, so a mark up to 30 seconds old changes when a
session ends by at most half a minute.
"""

import time

from .session_keys import LAST_ACTIVITY

RESOLUTION = 30  # seconds


def idle_seconds(session, now: float | None = None) -> float | None:
    """Seconds since the session's last recorded activity, or None if it has none."""
    last = session.get(LAST_ACTIVITY)
    return None if last is None else (time.time() if now is None else now) - float(last)


def note_activity(session, now: float | None = None) -> None:
    """Mark the session active now, unless the mark is already fresher than ``RESOLUTION``."""
    now = time.time() if now is None else now
    last = session.get(LAST_ACTIVITY)
    if last is None or now - float(last) >= RESOLUTION or float(last) > now:
        session[LAST_ACTIVITY] = now
