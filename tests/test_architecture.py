"""The shape of the code: no import cycles, no import runs back up a layer, handlers defer no imports."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from tests.conftest import ROOT

LAYERS = ("bot", "handlers", "storage")
FEATURES = ("bot.faq", "bot.roster", "bot.postings", "bot.briefings", "bot.reports", "bot.outbox")
EDGES_ABOVE = ("bot.services", "bot.app", "bot.chat_json", "bot.cli", "bot.web", "bot.channels", "bot.admin")
RUNNERS = ("bot.app", "bot.chat_json", "bot.web")  # edges that run the whole bot, dispatcher included
UTILITIES = ("bot.privacy", "bot.clock")  # text and time helpers importing nothing of the project: any layer may


def modules() -> dict[str, Path]:
    found = {}
    for layer in LAYERS:
        for path in (ROOT / layer).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def imported(node: ast.AST, known: dict[str, Path]) -> Iterator[str]:
    if isinstance(node, ast.Import):
        yield from (a.name for a in node.names if a.name in known)
    elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
        for alias in node.names:
            full = f"{node.module}.{alias.name}"
            name = full if full in known else node.module
            if name in known:
                yield name


def graph(deferred: bool) -> dict[str, set[str]]:
    """Module -> the project modules it imports: at module level (not under TYPE_CHECKING), or deferred
    (inside functions)."""
    known = modules()
    edges: dict[str, set[str]] = {name: set() for name in known}
    for name, path in known.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        stack: list[tuple[ast.AST, bool]] = [(n, False) for n in tree.body]
        while stack:
            node, inside = stack.pop()
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                continue
            if inside == deferred:
                edges[name].update(imported(node, known))
            child_inside = inside or isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            stack.extend((child, child_inside) for child in ast.iter_child_nodes(node))
    return edges


def cycle_from(start: str, edges: dict[str, set[str]]) -> list[str] | None:
    path: list[str] = []
    done: set[str] = set()

    def visit(name: str) -> list[str] | None:
        if name in path:
            return [*path[path.index(name) :], name]
        if name in done:
            return None
        path.append(name)
        for target in sorted(edges[name]):
            found = visit(target)
            if found:
                return found
        path.pop()
        done.add(name)
        return None

    return visit(start)


def test_no_import_cycles() -> None:
    edges = graph(deferred=False)
    cycles = [c for c in (cycle_from(m, edges) for m in sorted(edges)) if c]
    assert cycles == []


def upward(source: str, target: str) -> bool:
    if target in UTILITIES:
        return False
    if source.startswith("storage"):
        return not target.startswith("storage")  # storage is the bottom layer
    if source in ("bot.messages", "bot.routing", "bot.dispatcher"):
        return target.startswith(("bot.", "handlers")) and target not in ("bot.messages", "bot.routing")
    if source.startswith(FEATURES):
        return target.startswith(("handlers", *EDGES_ABOVE))
    return source.startswith("bot") and target.startswith("handlers") and source not in RUNNERS


def test_no_import_runs_back_up_a_layer() -> None:
    edges = graph(deferred=False)
    assert sorted((s, t) for s, targets in edges.items() for t in targets if upward(s, t)) == []
    assert {u: edges[u] for u in UTILITIES if edges[u]} == {}  # the utilities stay leaves


def test_the_outbox_imports_no_feature_store() -> None:
    edges = graph(deferred=False)
    outbox = {t for s, targets in edges.items() if s.startswith("bot.outbox") for t in targets}
    assert {t for t in outbox if t.startswith("storage")} <= {
        "storage.database",
        "storage.outbox",
        "storage.conversations",
    }


def test_handlers_defer_no_imports() -> None:
    deferred = graph(deferred=True)
    assert {s: t for s, t in deferred.items() if s.startswith("handlers") and t} == {}


def test_no_deferred_import_runs_back_up_a_layer() -> None:
    deferred = graph(deferred=True)
    found = {(s, t) for s, targets in deferred.items() for t in targets if upward(s, t)}
    assert found == set()
