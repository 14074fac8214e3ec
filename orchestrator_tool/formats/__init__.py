"""Readers and grammars of the files and names a monorepo is made of: JSON/JSONC, the small
YAML of pnpm-workspace.yaml, semver ranges, the one glob dialect, the grammars of names
that leave the tool, and how a count is written. Nothing here knows about workspaces, git or
validators."""
