"""The `orchestrator` command line: the click group and its commands, a thin layer over
:mod:`orchestrator_tool.api`. ``main`` is the console script; ``cli`` the click group."""

from __future__ import annotations

from .app import cli, main

__all__ = ["cli", "main"]
