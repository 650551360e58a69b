"""Sessions in the cache with the database behind them: Django's ``cached_db``, with a change
to a session written by one ``UPDATE``.

Django writes it as a forced update inside ``transaction.atomic``: three round trips (BEGIN,
UPDATE, COMMIT) for a statement that is atomic on its own, and that fails, when the row is
gone, by affecting no row rather than by an error that would spoil an outer transaction. A
session is written when its last-seen time or its two-step state is renewed
(``core.middleware``), so at the first request of each member of a crowd scanning a check-in
code at once. A new session (``must_create``) is written as Django writes it.
"""

import logging
from functools import cache

from django.contrib.sessions.backends import cached_db
from django.contrib.sessions.backends.base import UpdateError
from django.db import connections, router

logger = logging.getLogger(__name__)


UPDATED = ("session_data", "expire_date", "session_key")  # the values, then the key


@cache
def _update_sql(model) -> str:
    data, expires, key = (model._meta.get_field(name).column for name in UPDATED)
    table = model._meta.db_table  # the model's own names, quoted; the values are parameters
    return f'UPDATE "{table}" SET "{data}" = %s, "{expires}" = %s WHERE "{key}" = %s'  # noqa: S608


class SessionStore(cached_db.SessionStore):
    def save(self, must_create=False):
        if must_create or self.session_key is None:
            return super().save(must_create)
        obj = self.create_model_instance(self._get_session())
        using = router.db_for_write(self.model, instance=obj)
        connection = connections[using]
        opts = self.model._meta
        data, expires, key = (opts.get_field(name) for name in UPDATED)
        # Written out: composing the ORM's UPDATE cost more CPU than the rest of the write.
        with connection.cursor() as cursor:
            cursor.execute(_update_sql(self.model), [
                data.get_db_prep_save(obj.session_data, connection),
                expires.get_db_prep_save(obj.expire_date, connection),
                key.get_db_prep_save(obj.session_key, connection),
            ])
            updated = cursor.rowcount
        if not updated:  # ended meanwhile (signed out elsewhere): as Django's own store
            raise UpdateError
        try:
            self._cache.set(self.cache_key, self._session, self.get_expiry_age())
        except Exception:
            logger.exception("Error saving to cache (%s)", self._cache)
