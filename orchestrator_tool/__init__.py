"""orchestrator-tool: maps JS/TS monorepos, finds what a change affects, validates the stack."""

from __future__ import annotations

__version__ = "0.1.0"
