"""Which environment values count as secrets in captured gate output."""

from __future__ import annotations

from orchestrator_tool.gates.redact import redact, secret_values


def test_values_of_secret_looking_names_are_masked_longest_first() -> None:
    env = {
        "NPM_TOKEN": "npm_abcdef123456",
        "STRIPE_SECRET_KEY": "sk_test_abcdef",
        "DB_PASSWORD": "hunter2hunter2",
        "AWS_SECRET_ACCESS_KEY": "npm_abcdef123456-extended",
        "PWD": "/home/dev/repo",  # the working folder, not a secret
        "CI": "true",
        "DEBUG_KEY": "1",  # too short to mask without blanking ordinary text
        "NEXTAUTH_URL": "http://localhost:3000",
    }
    secrets = secret_values(env)
    assert secrets[0] == "npm_abcdef123456-extended"
    assert set(secrets) == {
        "npm_abcdef123456",
        "sk_test_abcdef",
        "hunter2hunter2",
        "npm_abcdef123456-extended",
    }
    text = "login npm_abcdef123456-extended; db hunter2hunter2 at http://localhost:3000 in /home/dev/repo"
    assert redact(text, secrets) == "login ***; db *** at http://localhost:3000 in /home/dev/repo"
