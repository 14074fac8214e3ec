"""Disallow hooks and event handlers in Server Components.

## What it does
In an App Router segment file (`app/**/page`, `layout`, `template`, `loading`, `not-found`,
`default`, `error`, `global-error`, `forbidden`, `unauthorized`) with no `"use client"`
directive — a Server Component unless it says otherwise — reports calls to React hooks
(`useState`, `useEffect`, any `useSomething`) and event-handler props given an inline function
(`onClick={() => …}`). Hooks that work in Server Components (next-intl's `useTranslations`,
`useFormatter`, …: option `serverHooks`), awaited `use…` calls (an async helper named like a
hook, as react-i18next's server `useTranslation`: a React hook is never awaited) and inline
`"use server"` functions are exempt. Files in private folders (`app/_components/…`) are not
segment files, and a package that depends on neither `next` itself nor through the repository
root (a React Router or Vite app with an `app/` folder) has no Server Components.

Other modules under `app/` are not judged: a component file without a directive is a Client
Component when a client module imports it, so only the segment files are known to render on
the server. Next.js reports the same mistake at build time; this rule reports it in the
editor and the pre-commit hook, before a build.

## Why
Server Components render once on the server: state, effects and event handlers do not exist
there, and Next.js refuses the build ("You're importing a component that needs useState").

## Example
```tsx
// app/dashboard/page.tsx
export default function Page() {
  const [open, setOpen] = useState(false);
  return <button onClick={() => setOpen(!open)}>Menu</button>;
}
```

## Use instead
Move the interactive part into its own component file that starts with `"use client"`, and
render it from the page.

## Precision
No findings to judge on the held-out corpus (24 public monorepos never used to tune the rules,
`tests/benchmarks/precision/`).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from orchestrator_tool.analysis.nextjs import directive, function_body, module_directive
from orchestrator_tool.engine.resolution import declares
from orchestrator_tool.engine.validator import Invalid, Valid

if TYPE_CHECKING:
    from orchestrator_tool.engine.validator import Context

CODE = "RSC002"
NAME = "no-client-only-code-in-server-component"
MESSAGE = 'Hooks or event handlers in a Server Component (no "use client").'
SEVERITY = "error"
PRECISION = (0, 0)  # held-out corpus: (real defects, judged)
LANGUAGES = ("tsx", "javascript")
PREFILTER = rb"use[A-Z]|on[A-Z]"
# App Router segment files: the only modules known to render on the server. A folder whose name
# starts with `_` is private: its files are not routed.
PATHS = (
    r"(^|/)app/([^_/][^/]*/)*(page|layout|template|loading|not-found|default|error|global-error"
    r"|forbidden|unauthorized)\.(tsx|jsx|js)$"
)
OPTIONS: dict[str, list[str]] = {
    "serverHooks": [
        "useTranslations",
        "useFormatter",
        "useLocale",
        "useNow",
        "useTimeZone",
        "useMessages",
    ],
}
_INLINE = frozenset({"arrow_function", "function_expression", "function"})
_HOOK = re.compile(r"^use[A-Z]")
_EVENT = re.compile(r"^on[A-Z]")

VALID = [
    Valid(
        "'use client';\nexport function A() { const [x] = useState(0); return <b onClick={() => x}>x</b>; }",
        filename="app/a.tsx",
    ),
    Valid(
        "export default async function Page() { const t = await getT(); return <p>{t}</p>; }",
        filename="app/page.tsx",
    ),
    Valid(
        "export function A() { const [x] = useState(0); return x; }", filename="components/a.tsx"
    ),
    Valid(
        "export function Nav() { const [x] = useState(0); return <b onClick={() => x}>x</b>; }",
        filename="app/dashboard/nav.tsx",
    ),
    Valid(
        "export default function Page() { return <Button onClick={() => { 'use server'; run(); }} />; }",
        filename="app/page.tsx",
    ),
    Valid(
        "export default function Page() { return <Button onClick={track} />; }",
        filename="app/page.tsx",
    ),
    Valid(
        "export default function Page() { const t = useTranslations('x'); return <p>{t('a')}</p>; }",
        filename="app/page.tsx",
    ),
    Valid(
        "export default async function Page() { const { t } = await useTranslation(); return <p>{t('a')}</p>; }",
        filename="app/settings/page.tsx",
    ),
    Valid(
        "export const Spinner = () => { const [x] = useState(0); return <b onClick={() => x}>x</b>; };",
        filename="app/project/_components/loading.tsx",
    ),
]
INVALID = [
    Invalid(
        "export default function Page() {\n  const [open, setOpen] = useState(false);\n  return <button onClick={() => setOpen(!open)}>Menu</button>;\n}",
        positions=((2, 27), (3, 18)),
        filename="app/dashboard/page.tsx",
    ),
]


def _next_app(ctx: Context) -> bool:
    """Whether the file's package can be a Next.js app: it, or the repository root, depends on
    `next` (unknown without a workspace)."""
    if ctx.workspace is None:
        return True
    owners = (ctx.package, ctx.workspace.root_package)
    return any(p is not None and declares(p, "next") for p in owners)


def check(ctx: Context) -> None:
    if module_directive(ctx.source) in ("use client", "use server"):
        return
    if not _next_app(ctx):
        return
    allowed_raw = ctx.options.get("serverHooks") or []
    allowed = {str(x) for x in allowed_raw} if isinstance(allowed_raw, list) else set()
    for node in ctx.walk(frozenset({"call_expression", "jsx_attribute"})):
        if node.type == "call_expression":
            fn = node.child_by_field_name("function")
            if fn is not None and fn.type == "identifier":
                name = ctx.source.text(fn)
                awaited = node.parent is not None and node.parent.type == "await_expression"
                if _HOOK.match(name) and name not in allowed and not awaited:
                    ctx.report(
                        node,
                        f'{name}() in a Server Component: add "use client" or move it into a client component',
                    )
        else:
            name_node = node.named_children[0] if node.named_children else None
            name = ctx.source.text(name_node) if name_node is not None else ""
            value = node.named_children[1] if node.named_child_count > 1 else None
            inline = value.named_children[0] if value is not None and value.named_children else None
            if (
                _EVENT.match(name)
                and inline is not None
                and inline.type in _INLINE
                and directive(function_body(inline), ctx.source) != "use server"
            ):
                ctx.report(
                    node,
                    f"{name} handler in a Server Component: event handlers need a client component",
                )
