"""blake2b, the hash behind every cache key and content digest.

Taken from CPython's own `_blake2` module when it is there: `hashlib` loads OpenSSL first,
which costs every start-up some 4 ms, and the cached `validate` run needs no other hash.
"""

from __future__ import annotations

try:
    from _blake2 import blake2b
except ImportError:  # an interpreter built without it
    from hashlib import blake2b

__all__ = ["blake2b"]
