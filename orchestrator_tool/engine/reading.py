"""The one way the tool reads a file of a repository (see ``read_inside``)."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from ..fsio import resolves_inside


class NotRead(Exception):
    """A path the tool does not read: why, in words for the report."""


_READ_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_NONBLOCK", 0)  # a FIFO opens at once (and is refused), never blocks
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)


def read_inside(root: str | Path, rel: str, limit: int) -> bytes:
    """The bytes of the regular file ``rel`` under ``root``, at most ``limit + 1`` of them (so
    the caller can tell a file over the limit). Every file the tool reads from a repository
    comes through here: a link is followed only to a file inside the repository, and what is
    not a regular file (a device, a FIFO, a socket) is not read. Raises ``NotRead`` with the
    reason, or ``OSError`` (``FileNotFoundError`` for a deleted file)."""
    path = os.path.join(root, rel)
    try:
        fd = os.open(path, _READ_FLAGS)
    except OSError as exc:
        if exc.errno != errno.ELOOP:
            raise
        real = os.path.realpath(path)  # the last part is a link: follow it only inward
        if not resolves_inside(os.path.realpath(root), real):
            raise NotRead("a link to a file outside the repository") from None
        fd = os.open(real, _READ_FLAGS)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise NotRead("not a regular file")
        chunks: list[bytes] = []
        left = limit + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)
