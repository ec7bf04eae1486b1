"""Sessions in the database, with the cache as a best-effort copy in front of it.

Django's cached_db store reads the cache first and writes both, but a cache that raises (Redis
down) fails the page on a read that missed, on `exists()` and on a delete: sign-in and every
signed-in page answer 500. Here every cache call is guarded: when it raises, the store logs
it and carries on with the database, which always holds the session.

A session ended (signed out, password changed) while the cache was unreachable is deleted from
the database but not from the cache: if that Redis comes back with its data (a network cut,
not a restart), the copy there is read again until it expires. The warning names the key.
"""

import logging

from django.contrib.sessions.backends.cached_db import SessionStore as CachedDbStore

logger = logging.getLogger(__name__)


class SessionStore(CachedDbStore):
    def _cache_failed(self, action: str, key: str = "") -> None:
        logger.warning("session cache unavailable (%s %s): using the database", action, key,
                       exc_info=True)  # fmt: skip

    def load(self):
        try:
            data = self._cache.get(self.cache_key)
        except Exception:
            self._cache_failed("read")
            data = None
        if data is not None:
            return data
        row = self._get_session_from_db()
        if not row:
            return {}
        data = self.decode(row.session_data)
        try:
            self._cache.set(self.cache_key, data, self.get_expiry_age(expiry=row.expire_date))
        except Exception:
            self._cache_failed("write")
        return data

    async def aload(self):
        key = await self.acache_key()
        try:
            data = await self._cache.aget(key)
        except Exception:
            self._cache_failed("read")
            data = None
        if data is not None:
            return data
        row = await self._aget_session_from_db()
        if not row:
            return {}
        data = self.decode(row.session_data)
        try:
            await self._cache.aset(key, data, await self.aget_expiry_age(expiry=row.expire_date))
        except Exception:
            self._cache_failed("write")
        return data

    def _in_cache(self, session_key) -> bool:
        try:
            return (self.cache_key_prefix + session_key) in self._cache
        except Exception:
            self._cache_failed("look-up")
            return False

    def exists(self, session_key):
        if session_key and self._in_cache(session_key):
            return True
        return super(CachedDbStore, self).exists(session_key)

    async def aexists(self, session_key):
        if session_key and self._in_cache(session_key):
            return True
        return await super(CachedDbStore, self).aexists(session_key)

    def save(self, must_create=False):
        super(CachedDbStore, self).save(must_create)
        try:
            self._cache.set(self.cache_key, self._session, self.get_expiry_age())
        except Exception:
            self._cache_failed("write")

    async def asave(self, must_create=False):
        await super(CachedDbStore, self).asave(must_create)
        try:
            await self._cache.aset(
                await self.acache_key(), self._session, await self.aget_expiry_age()
            )
        except Exception:
            self._cache_failed("write")

    def delete(self, session_key=None):
        super(CachedDbStore, self).delete(session_key)
        session_key = session_key or self.session_key
        if session_key is None:
            return
        try:
            self._cache.delete(self.cache_key_prefix + session_key)
        except Exception:
            self._cache_failed("delete", self.cache_key_prefix + session_key)

    async def adelete(self, session_key=None):
        await super(CachedDbStore, self).adelete(session_key)
        session_key = session_key or self.session_key
        if session_key is None:
            return
        try:
            await self._cache.adelete(self.cache_key_prefix + session_key)
        except Exception:
            self._cache_failed("delete", self.cache_key_prefix + session_key)


# What a browser was granted without signing in (a guest's link to a ticket) is kept under
# keys with this prefix; signing in or out ends it, so a shared computer does not hand a
# guest's ticket to the next person, nor a person's to their guest session.
GRANT_PREFIX = "grant:"


def drop_grants(session) -> None:
    for key in [key for key in session.keys() if key.startswith(GRANT_PREFIX)]:  # noqa: SIM118 - a session is not iterable
        del session[key]
