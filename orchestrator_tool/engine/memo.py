"""What the checks of one file compute once and share, each result under a typed key.

A key is a module constant, ``MemoKey[T]``, named for the result it holds; the memo hands a
value back as the ``T`` of the key it was stored under, so a reader needs no cast and no
``isinstance`` of its own. A memo lives as long as its ``SourceFile``: one run, one file.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar, cast

T = TypeVar("T")


class MemoKey(Generic[T]):
    """The key of one kind of result; ``T`` is the type of the value stored under it."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"MemoKey({self.name!r})"


class Memo:
    """A file's shared results. Values go in and come out only through their key, so the
    value under a ``MemoKey[T]`` is a ``T``: the one cast, in ``get``, rests on that."""

    __slots__ = ("_values",)

    def __init__(self) -> None:
        self._values: dict[object, object] = {}

    def __contains__(self, key: MemoKey[T]) -> bool:
        return key in self._values

    def get(self, key: MemoKey[T]) -> T | None:
        """The value stored under ``key``, or None when none is (nor can a stored None be
        told from a missing one: use ``once`` for results that may be None)."""
        return cast("T | None", self._values.get(key))

    def put(self, key: MemoKey[T], value: T) -> T:
        self._values[key] = value
        return value

    def once(self, key: MemoKey[T], compute: Callable[[], T]) -> T:
        """The value under ``key``, computed by ``compute`` on the first ask (a None kept
        like any value; an exception keeps nothing)."""
        values = self._values
        try:
            return cast("T", values[key])
        except KeyError:
            pass
        value = values[key] = compute()
        return value
