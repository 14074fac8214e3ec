"""pnpm lockfile attribution: which importers a lockfile change reaches."""

from __future__ import annotations

import pytest

from orchestrator_tool.affected.lockfile import LockfileFormatError, attribute_pnpm, parse_pnpm

V9 = """lockfileVersion: '9.0'

settings:
  autoInstallPeers: true
  excludeLinksFromLockfile: false

importers:

  .:
    devDependencies:
      turbo:
        specifier: ^2.3.0
        version: 2.3.0

  apps/web:
    dependencies:
      '@repo/ui':
        specifier: workspace:*
        version: link:../../packages/ui
      next:
        specifier: 15.1.0
        version: 15.1.0(react@19.0.0)

  apps/api:
    dependencies:
      zod:
        specifier: ^3.24.0
        version: 3.24.1

  packages/ui:
    dependencies:
      react:
        specifier: ^19.0.0
        version: 19.0.0

packages:

  next@15.1.0:
    resolution: {integrity: sha512-next}
    engines: {node: '>=18'}

  react@19.0.0:
    resolution: {integrity: sha512-react}

  styled-jsx@5.1.6:
    resolution: {integrity: sha512-sj}

  turbo@2.3.0:
    resolution: {integrity: sha512-turbo}

  zod@3.24.1:
    resolution: {integrity: sha512-zod}

snapshots:

  next@15.1.0(react@19.0.0):
    dependencies:
      react: 19.0.0
      styled-jsx: 5.1.6(react@19.0.0)

  react@19.0.0: {}

  styled-jsx@5.1.6(react@19.0.0):
    dependencies:
      react: 19.0.0

  turbo@2.3.0: {}

  zod@3.24.1: {}
"""


def importers(old: str, new: str) -> list[str]:
    return [c.importer for c in attribute_pnpm(old, new)]


def test_v9_parse_builds_closures() -> None:
    lock = parse_pnpm(V9)
    assert lock.major == 9
    assert set(lock.importers) == {".", "apps/web", "apps/api", "packages/ui"}
    assert lock.closure("apps/web") == {
        "next@15.1.0(react@19.0.0)",
        "react@19.0.0",
        "styled-jsx@5.1.6(react@19.0.0)",
    }
    assert lock.closure("apps/api") == {"zod@3.24.1"}


def test_identical_lockfiles_affect_nothing() -> None:
    assert importers(V9, V9) == []


def test_direct_bump_affects_only_that_importer() -> None:
    new = V9.replace("version: 3.24.1", "version: 3.24.2").replace("zod@3.24.1", "zod@3.24.2")
    changes = attribute_pnpm(V9, new)
    assert [c.importer for c in changes] == ["apps/api"]
    assert changes[0].direct == (("zod", "3.24.1", "3.24.2"),)


def test_transitive_bump_reaches_only_importers_that_depend_on_it() -> None:
    # styled-jsx is only reachable through next (apps/web); packages/ui uses react directly,
    # which did not change.
    new = V9.replace("sha512-sj", "sha512-sj2")
    changes = attribute_pnpm(V9, new)
    assert [c.importer for c in changes] == ["apps/web"]
    assert changes[0].direct == ()
    assert changes[0].transitive == ("styled-jsx@5.1.6(react@19.0.0)",)


def test_shared_package_change_reaches_every_importer_using_it() -> None:
    new = V9.replace("sha512-react}", "sha512-react2}")
    assert importers(V9, new) == ["apps/web", "packages/ui"]


def test_root_importer_change_is_reported_as_root() -> None:
    new = V9.replace("version: 2.3.0", "version: 2.3.1").replace("turbo@2.3.0", "turbo@2.3.1")
    assert importers(V9, new) == ["."]


def test_new_importer_and_removed_importer() -> None:
    added = V9.replace(
        "  packages/ui:\n",
        "  packages/new:\n    dependencies:\n      zod:\n        specifier: ^3\n"
        "        version: 3.24.1\n\n  packages/ui:\n",
    )
    assert importers(V9, added) == ["packages/new"]
    assert importers(added, V9) == ["packages/new"]


def test_lockfile_created_or_deleted() -> None:
    assert importers("", V9) == [".", "apps/api", "apps/web", "packages/ui"]
    assert importers(V9, "") == [".", "apps/api", "apps/web", "packages/ui"]


V6 = """lockfileVersion: '6.0'

importers:

  apps/web:
    dependencies:
      next:
        specifier: 13.5.6
        version: 13.5.6(react@18.2.0)

  packages/ui:
    dependencies:
      react:
        specifier: ^18.2.0
        version: 18.2.0
    devDependencies:
      typescript:
        specifier: ^5.2.0
        version: 5.2.2

packages:

  /js-tokens@4.0.0:
    resolution: {integrity: sha512-js}
    dev: false

  /next@13.5.6(react@18.2.0):
    resolution: {integrity: sha512-next}
    dependencies:
      react: 18.2.0
    dev: false

  /react@18.2.0:
    resolution: {integrity: sha512-react}
    dependencies:
      loose-envify: 1.4.0
    dev: false

  /loose-envify@1.4.0:
    resolution: {integrity: sha512-le}
    dependencies:
      js-tokens: 4.0.0
    dev: false

  /typescript@5.2.2:
    resolution: {integrity: sha512-ts}
    dev: true
"""


def test_v6_transitive_change() -> None:
    lock = parse_pnpm(V6)
    assert lock.major == 6
    assert "/js-tokens@4.0.0" in lock.closure("apps/web")
    new = V6.replace("sha512-js}", "sha512-js2}")
    assert importers(V6, new) == ["apps/web", "packages/ui"]
    ts = V6.replace("sha512-ts}", "sha512-ts2}")
    assert importers(V6, ts) == ["packages/ui"]


def test_v6_dev_flag_flip_is_not_a_change() -> None:
    flipped = V6.replace(
        "  /typescript@5.2.2:\n    resolution: {integrity: sha512-ts}\n    dev: true",
        "  /typescript@5.2.2:\n    resolution: {integrity: sha512-ts}\n    dev: false",
    )
    assert flipped != V6
    assert importers(V6, flipped) == []


V5 = """lockfileVersion: 5.4

importers:

  packages/a:
    specifiers:
      left-pad: ^1.3.0
    dependencies:
      left-pad: 1.3.0

  packages/b:
    specifiers:
      right-pad: ^1.0.0
    dependencies:
      right-pad: 1.0.1

packages:

  /left-pad/1.3.0:
    resolution: {integrity: sha512-lp}
    dev: false

  /right-pad/1.0.1:
    resolution: {integrity: sha512-rp}
    dev: false
"""


def test_v5_format() -> None:
    lock = parse_pnpm(V5)
    assert lock.closure("packages/a") == {"/left-pad/1.3.0"}
    assert importers(V5, V5.replace("sha512-rp", "sha512-rq")) == ["packages/b"]


def test_single_project_lockfile_without_importers() -> None:
    text = """lockfileVersion: '9.0'

dependencies:
  zod:
    specifier: ^3
    version: 3.24.1

packages:

  zod@3.24.1:
    resolution: {integrity: sha512-zod}

snapshots:

  zod@3.24.1: {}
"""
    assert importers(text, text.replace("sha512-zod", "sha512-zod2")) == ["."]


def test_unknown_format_is_an_error() -> None:
    with pytest.raises(LockfileFormatError):
        parse_pnpm("foo: bar\n")
    with pytest.raises(LockfileFormatError):
        parse_pnpm("lockfileVersion: 'abc'\n")


def test_settings_and_overrides_count_only_through_what_they_change() -> None:
    assert importers(V9, V9.replace("autoInstallPeers: true", "autoInstallPeers: false")) == []
    # An override that re-resolves zod shows up in the importer that uses zod.
    pinned = V9.replace("importers:\n", "overrides:\n  zod: 3.24.2\n\nimporters:\n")
    assert importers(V9, pinned) == []
    resolved = pinned.replace("version: 3.24.1", "version: 3.24.2").replace(
        "zod@3.24.1", "zod@3.24.2"
    )
    assert importers(V9, resolved) == ["apps/api"]
