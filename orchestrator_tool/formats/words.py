"""How the tool writes a count in its messages, from `affected`'s reasons to the reports."""

from __future__ import annotations


def count(n: int, word: str, plural: str | None = None) -> str:
    """`1 file`, `2 files`: a count and its noun (the plural adds an s unless given)."""
    return f"{n} {word if n == 1 else plural or word + 's'}"
