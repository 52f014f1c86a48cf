"""The session store: Django's database sessions, read once per session and data version.

Every page request of a logged-in user loads its session before anything else; reading and
decoding the row each time was a query per page view. Here a GET request takes the decoded
session from a per-process ``VersionedCache`` while the session table is unchanged: any write
to it (a login, a logout, an idle timeout, the activity mark, expired sessions cleared) changes
the table's token, in every process at once, so a session ended in one worker is ended in all.
Expiry is checked on every read, cached or not. Writes go through Django's store unchanged.

``SESSION_ENGINE = "xinan.identity.sessions"``.
"""

import copy

from django.contrib.sessions.backends import db
from django.utils import timezone

from xinan.core import versions

SESSION_TABLE = "django_session"


class SessionStore(db.SessionStore):
    def load(self):
        if not versions.in_request() or self.session_key is None:
            return super().load()
        found = _sessions.get_or_build(self.session_key, self._read, tables=[SESSION_TABLE])
        if found is None or found[0] <= timezone.now():
            self._session_key = None  # as Django's store does for a missing or expired session
            return {}
        return copy.deepcopy(found[1])  # the request may change its copy; the cached one stays

    def _read(self):
        row = self.model.objects.filter(session_key=self.session_key).values_list("expire_date", "session_data").first()
        return None if row is None else (row[0], self.decode(row[1]))


_sessions = versions.VersionedCache(size=4096)
