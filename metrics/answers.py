"""The answers of a published version, kept (metrics/db.py `Warehouse` asks them first): data
changes only at a publish, so a statement's rows hold for every viewer of the same view until
the next one."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any


class Answers:
    """The answers of one published version, by statement and parameters: the file never
    changes under a version, so an answer holds until the next publish, for every viewer
    whose filter and scope (both in the statement's parameters or text) are the same — a
    wall display, and every leader opening the same view. Least recently used answers go
    first past `budget` bytes (0: nothing kept)."""

    def __init__(self, budget: int):
        self.budget = budget
        self._items: OrderedDict[Any, tuple[Any, int]] = OrderedDict()
        self._lock = threading.Lock()
        self.size = self.hits = self.misses = 0

    def get(self, key: Any) -> Any:
        with self._lock:
            item = self._items.get(key)
            if item is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return item[0]

    def put(self, key: Any, value: Any, size: int | Callable[[], int]) -> None:
        """Keep an answer of `size` bytes (or a function giving them: not asked with no budget)."""
        if not self.budget:
            return
        size = size() if callable(size) else size
        if size > self.budget // 4:  # one answer never takes a quarter of the room
            return
        with self._lock:
            if key in self._items:
                return
            self._items[key] = (value, size)
            self.size += size
            while self.size > self.budget and self._items:
                _, (_, dropped) = self._items.popitem(last=False)
                self.size -= dropped


def frame_bytes(frame) -> int:
    """About what a frame takes: its arrays, and a text cell (an object) 80 bytes (a short Chinese
    name; pandas' exact count walks every string, a tenth of a large answer's time)."""
    objects = sum(frame[c].size for c in frame.columns if frame[c].dtype == object)
    return int(frame.memory_usage(deep=False).sum()) + 80 * objects


def frozen(value: Any) -> Any:
    """Parameters as a key: lists and dicts as tuples."""
    if isinstance(value, dict):
        return tuple(sorted((k, frozen(v)) for k, v in value.items()))
    if isinstance(value, list | tuple):
        return tuple(frozen(v) for v in value)
    return value
