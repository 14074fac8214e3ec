"""Renderers: one module per output format."""


def count(n: int, word: str, plural: str | None = None) -> str:
    """`1 file`, `2 files`: a count and its noun (the plural adds an s unless given)."""
    return f"{n} {word if n == 1 else plural or word + 's'}"
