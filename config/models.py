"""The table behind the embedded default's cache (settings CACHES without REDIS_URL). A model,
so `migrate` creates it for `make run` and the test database alike, and a test that commits
rows (a real server counting sign-in attempts) is emptied with every other table."""

from __future__ import annotations

from django.db import models


class CacheEntry(models.Model):
    """One entry of Django's database cache; its columns are those `createcachetable` makes,
    read and written by django.core.cache.backends.db.DatabaseCache alone."""

    cache_key = models.CharField(max_length=255, primary_key=True)
    value = models.TextField()
    expires = models.DateTimeField(db_index=True)

    class Meta:
        db_table = "hearth_cache"

    def __str__(self) -> str:
        return self.cache_key
