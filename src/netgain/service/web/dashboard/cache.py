"""A short-lived cache of the metrics documents the pages draw, keyed by what they depend on.

The overview's full metrics document is computed from every change of every readable repository
(a second per ~1,500 commits): fine once, too slow for every page view of an organisation with
a million commits. A document is reused while nothing it reads has changed: the key holds the
repositories, the window, the period, the team, and the newest row id of the tables that grow
as data arrives (commits, gate decisions, incidents, pull request events, deployments). Sources
without such a marker (an SZZ run, rework) are picked up when the entry expires (`TTL`).

The cache holds documents computed for a set of repositories, never for a person: two callers
share an entry only when they read exactly the same repositories.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, cast

from netgain.service.stored_documents import data_version

__all__ = ["DOCUMENTS", "DocumentCache", "data_version"]

TTL = 120.0  # seconds: the longest a figure may lag a source without a row-id marker
SIZE = 64


class DocumentCache:
    def __init__(self, ttl: float = TTL, size: int = SIZE) -> None:
        self.ttl = ttl
        self.size = size
        self._entries: OrderedDict[Hashable, tuple[float, Any]] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get[T](self, key: Hashable, compute: Callable[[], T]) -> T:
        now = time.monotonic()
        with self._lock:
            found = self._entries.get(key)
            if found is not None and now - found[0] < self.ttl:
                self._entries.move_to_end(key)
                self.hits += 1
                return cast(T, found[1])
        value = compute()  # outside the lock: two first callers may both compute, both correct
        with self._lock:
            self.misses += 1
            self._entries[key] = (now, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return value


DOCUMENTS = DocumentCache()
