"""Secrets out of captured gate output: a test that prints its environment, a failing deploy
step that echoes a token. The values of environment variables whose names look secret are
replaced before the output reaches a report (terminal, JSON, JUnit, SARIF, a CI log)."""

from __future__ import annotations

import re
from collections.abc import Mapping

# `NPM_TOKEN`, `GITHUB_TOKEN`, `STRIPE_SECRET_KEY`, `AWS_SECRET_ACCESS_KEY`, `DB_PASSWORD`,
# `API_KEY`, `SENTRY_AUTH_TOKEN`, `PRIVATE_KEY`, `CLIENT_SECRET`, `PASSWD`, `CREDENTIALS`
_SECRET_NAME = re.compile(
    r"(?:^|_)(?:TOKEN|SECRET|KEY|PASSWORD|PASSWD|PASS|PWD|CREDENTIALS?)(?:_|$)", re.I
)
MIN_LENGTH = 6  # shorter values ("1", "true") would blank out ordinary words
MASK = "***"


def secret_values(env: Mapping[str, str]) -> list[str]:
    """The values worth hiding, longest first (one that contains another is hidden whole)."""
    found = {
        v
        for k, v in env.items()
        if _SECRET_NAME.search(k) and len(v) >= MIN_LENGTH and k not in _NOT_SECRET
    }
    return sorted(found, key=len, reverse=True)


# Names that match the pattern but hold no secret.
_NOT_SECRET = frozenset({"PWD", "OLDPWD", "SSH_AUTH_SOCK", "GPG_AGENT_INFO", "KEYTIMEOUT"})


def redact(text: str, secrets: list[str]) -> str:
    for value in secrets:
        if value in text:
            text = text.replace(value, MASK)
    return text
