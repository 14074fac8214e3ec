"""`orchestrator.toml` at the monorepo root: the schema, loading, and the resolved settings.

```toml
[validate]
exclude = ["legacy/**"]            # added to the default excludes
honour-eslintignore = true         # the repository's .eslintignore files exclude too
honour-eslint-disable = true       # and biome-ignore comments

[validators.ANY001]
severity = "warning"
options = { ignoreRestArgs = true }

[validators.IMP006]
enabled = false

[[overrides]]
paths = ["apps/web/legacy/**", "**/*.stories.tsx"]
validators.ANY001.enabled = false

[affected]
default-base = "origin/main"

[gates]
tasks = ["typecheck", "test"]
runner = "auto"          # turbo when installed, else the package manager
concurrency = 2
timeout = 900            # seconds; the whole process group is killed
```

The file is validated by pydantic models (config.schema: unknown keys are errors, every field
documented; `orchestrator config --schema` prints the JSON Schema), each error placed at its key
or value as the TOML text writes it (config.validation, config.toml_text). pydantic costs more to
import than a cached validate run takes, so the validated document is cached by the file's
content hash and pydantic is only imported when the file changed (config.loading). The one
runtime shape is the frozen `Config` (config.settings), built from the validated document.
"""

from __future__ import annotations

from .loading import CONFIG_FILES, find, load
from .schema import json_schema
from .settings import Config, Override, ValidatorSettings

__all__ = [
    "CONFIG_FILES",
    "Config",
    "Override",
    "ValidatorSettings",
    "find",
    "json_schema",
    "load",
]
