"""Results of a pure builder remembered by the content of its arguments.

A page rerun rebuilds its plotly figures from the same aggregates every time a viewer switches
page; validating a figure with a dozen panels costs more CPU than the cached queries behind it
(issue 19's profile). The aggregates come back from Streamlit's data cache as fresh copies, so an
identity key never hits: the key here is a digest of what the arguments hold. Every value of a
frame takes part in the digest (no sampling, unlike Streamlit's own hashing of large frames), so
two different inputs never share a result; an argument that cannot be digested is not remembered.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import decimal
import enum
import functools
import hashlib
import threading
from pathlib import PurePath
from collections import OrderedDict
from typing import Any, Callable

import numpy as np
import pandas as pd


class Undigestible(TypeError):
    """An argument whose content cannot be digested: its result is built, never remembered."""


_SCALARS = (type(None), bool, int, float, str, bytes, dt.date, dt.datetime, dt.time, dt.timedelta,
            decimal.Decimal, np.generic, pd.Timestamp, pd.Timedelta, PurePath)


def _feed(digest: "hashlib._Hash", value: Any) -> None:
    digest.update(type(value).__qualname__.encode())
    if isinstance(value, enum.Enum):
        digest.update(repr(value).encode())
    elif isinstance(value, _SCALARS) or value is pd.NA or value is pd.NaT:
        digest.update(repr(value).encode())
    elif isinstance(value, pd.DataFrame):
        _feed(digest, tuple(map(str, value.columns)))
        _feed(digest, tuple(map(str, value.dtypes)))
        _feed_rows(digest, value)
    elif isinstance(value, pd.Series):
        _feed(digest, (str(value.name), str(value.dtype)))
        _feed_rows(digest, value)
    elif isinstance(value, np.ndarray):
        if value.dtype == object:
            _feed(digest, value.tolist())
        else:
            _feed(digest, (str(value.dtype), value.shape))
            digest.update(np.ascontiguousarray(value).tobytes())
    elif isinstance(value, (list, tuple)):
        digest.update(str(len(value)).encode())
        for item in value:
            _feed(digest, item)
    elif isinstance(value, (set, frozenset)):
        parts = sorted(_digest_of(item) for item in value)
        digest.update("".join(parts).encode())
    elif isinstance(value, dict):
        digest.update(str(len(value)).encode())
        for key, item in value.items():
            _feed(digest, key)
            _feed(digest, item)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            _feed(digest, field.name)
            _feed(digest, getattr(value, field.name))
    elif hasattr(value, "__self__") and hasattr(value, "__func__"):
        # before plain functions: a bound method answers `__code__` for its function, and the
        # object it is bound to (another config) is part of what it computes
        _feed(digest, value.__func__)
        _feed(digest, value.__self__)
    elif callable(value) and hasattr(value, "__code__"):
        # a closure (a display-name lookup built from the config) is only the same function when
        # what it closes over is the same
        _feed(digest, (value.__module__, value.__qualname__, value.__code__.co_code))
        _feed(digest, value.__defaults__)
        _feed(digest, tuple(cell.cell_contents for cell in value.__closure__ or ()))
    elif isinstance(value, functools.partial):
        _feed(digest, (value.func, value.args, value.keywords))
    else:
        raise Undigestible(f"cannot digest a {type(value).__qualname__}")


def _feed_rows(digest: "hashlib._Hash", value: pd.DataFrame | pd.Series) -> None:
    try:
        rows = pd.util.hash_pandas_object(value, index=True)
    except TypeError as error:  # cells holding lists or dicts
        raise Undigestible(str(error)) from error
    digest.update(rows.to_numpy().tobytes())


def _digest_of(value: Any) -> str:
    digest = hashlib.sha256()
    _feed(digest, value)
    return digest.hexdigest()


def content_digest(*args: Any, **kwargs: Any) -> str:
    """A digest of everything the arguments hold; raises `Undigestible` for content it cannot read."""
    return _digest_of((args, tuple(sorted(kwargs.items()))))


class ContentMemo:
    """The last `max_entries` results of builders, keyed on the builder and its arguments' content.
    Results are shared, so a builder's result must not be changed by whoever reads it."""

    def __init__(self, max_entries: int = 256):
        self.max_entries = max_entries
        self._results: OrderedDict[str, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, builder: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        try:
            key = content_digest(builder, *args, **kwargs)
        except Undigestible:
            return builder(*args, **kwargs)
        with self._lock:
            if key in self._results:
                self._results.move_to_end(key)
                return self._results[key]
        result = builder(*args, **kwargs)
        with self._lock:
            self._results[key] = result
            while len(self._results) > self.max_entries:
                self._results.popitem(last=False)
        return result

    def __len__(self) -> int:
        return len(self._results)
