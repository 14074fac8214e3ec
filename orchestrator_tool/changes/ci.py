"""The base of a CI run's change, from the conventional variables of GitHub Actions, GitLab,
Buildkite, Bitbucket, Azure Pipelines, Jenkins and turbo's own."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping


def detect_ci_base(env: Mapping[str, str] | None = None) -> tuple[str, str | None, str] | None:
    """(base ref, head ref or None, where it came from) from conventional CI variables."""
    env = os.environ if env is None else env
    if env.get("TURBO_SCM_BASE"):
        return env["TURBO_SCM_BASE"], env.get("TURBO_SCM_HEAD") or None, "TURBO_SCM_BASE"
    if env.get("GITHUB_BASE_REF"):
        return f"origin/{env['GITHUB_BASE_REF']}", None, "GITHUB_BASE_REF (pull request)"
    event_path = env.get("GITHUB_EVENT_PATH")
    if env.get("GITHUB_ACTIONS") and event_path and env.get("GITHUB_EVENT_NAME") == "push":
        try:
            with open(event_path, encoding="utf-8") as fh:
                event = json.load(fh)
            before = event.get("before") if isinstance(event, dict) else None
            repo = event.get("repository") if isinstance(event, dict) else None
            default = repo.get("default_branch") if isinstance(repo, dict) else None
        except (OSError, ValueError):
            before = default = None
        if isinstance(before, str) and before.strip("0"):
            return before, None, "GITHUB_EVENT_PATH `before` (push)"
        if isinstance(default, str) and default:
            # the first push of a new branch: `before` is all zeros
            return f"origin/{default}", None, "the repository's default branch (new branch push)"
    if env.get("CI_MERGE_REQUEST_DIFF_BASE_SHA"):
        return (
            env["CI_MERGE_REQUEST_DIFF_BASE_SHA"],
            None,
            "CI_MERGE_REQUEST_DIFF_BASE_SHA (GitLab)",
        )
    before_sha = env.get("CI_COMMIT_BEFORE_SHA", "")
    if before_sha.strip("0"):
        return before_sha, None, "CI_COMMIT_BEFORE_SHA (GitLab push)"
    if before_sha and env.get("CI_DEFAULT_BRANCH"):
        # GitLab's first pipeline of a new branch: CI_COMMIT_BEFORE_SHA is all zeros
        branch = env["CI_DEFAULT_BRANCH"]
        return f"origin/{branch}", None, "CI_DEFAULT_BRANCH (GitLab, new branch push)"
    for var, label in (
        ("BUILDKITE_PULL_REQUEST_BASE_BRANCH", "Buildkite"),
        ("BITBUCKET_PR_DESTINATION_BRANCH", "Bitbucket"),
        ("SYSTEM_PULLREQUEST_TARGETBRANCH", "Azure Pipelines"),
        ("CHANGE_TARGET", "Jenkins"),
    ):
        value = env.get(var, "")
        if value and value != "false":
            branch = value.removeprefix("refs/heads/")
            return f"origin/{branch}", None, f"{var} ({label})"
    return None
