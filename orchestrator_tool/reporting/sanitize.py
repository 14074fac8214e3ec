"""Text from outside (a gate's output, a path, a message quoting source) made safe to embed in
XML, workflow commands and Markdown."""

from __future__ import annotations

import re

# Terminal escape sequences (colours, cursor moves, OSC titles and hyperlinks): what tsc,
# vitest and turbo print on a tty or with FORCE_COLOR. Removed whole, so no `[31m` is left.
_ANSI = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI ... final byte
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC ... BEL or ST
    r"|\x1b[@-Z\\-_]"  # the other two-byte escapes
)
# What XML 1.0 forbids (every C0 control but tab, LF and CR; lone surrogates; U+FFFE/U+FFFF).
# ElementTree and junitparser reject a whole file for one of them.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def clean(text: str) -> str:
    """``text`` without terminal escapes and without the characters XML cannot hold (each
    left-over control character becomes U+FFFD, so a reader sees something was there)."""
    if "\x1b" in text:
        text = _ANSI.sub("", text)
    return _NOT_XML.sub("\ufffd", text)


def tail(text: str, max_lines: int, max_chars: int) -> tuple[str, int]:
    """The end of ``text``: at most ``max_lines`` lines and ``max_chars`` characters, cut at
    a line start where it can be, and how many lines were left out before it."""
    lines = text.rstrip("\n").split("\n") if text.strip() else []
    kept: list[str] = []
    size = 0
    for ln in reversed(lines):
        if len(kept) >= max_lines or size + len(ln) + 1 > max_chars:
            if not kept:  # one enormous line: its end
                kept.append(ln[-max_chars:])
            break
        kept.append(ln)
        size += len(ln) + 1
    kept.reverse()
    return "\n".join(kept), len(lines) - len(kept)
