"""Finds the message keys the code uses, for `pybabel extract` (babel.cfg maps files to these methods).

Keys are symbolic ("login.title") and many are written away from the lookup that shows them: a domain
error carries one, a page helper takes one as its label. Babel's own Python extractor only sees the
arguments of translation calls, so these methods read the source with `ast` instead:

- everywhere, a key literal given to t(), T() or N_(), or anywhere inside a DomainError(...) or
  MailTemplate(...) call; such a call passing `count=` makes the message plural, and so does
  COUNTED_BY for a message whose number goes by another name;
- where `all_literals` is set (the layers that show things: pages, components, state), every literal
  shaped like a key, because there a dotted lowercase string is nothing else;
- a key built from a value, t(f"tickets.col.{k}") for k in ("number", ...), expands over the literal
  the comprehension iterates; any other built key must belong to a family registered in
  app/i18n/families.py, whose keys `extract_families` yields.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass

from app.i18n import COUNTED_BY

KEY = re.compile(r"[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+")
LOOKUPS = frozenset({"t", "T", "N_"})
CARRIERS = frozenset({"DomainError", "MailTemplate"})


@dataclass(frozen=True)
class BuiltKey:
    """A key a call site builds from a value: `template` has a `{}` where the value goes."""

    lineno: int
    template: str
    expanded: tuple[str, ...]


def _called_name(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def _key_literals(node: ast.AST) -> Iterator[ast.Constant]:
    for child in ast.walk(node):
        if isinstance(child, ast.Constant) and isinstance(child.value, str) and KEY.fullmatch(child.value):
            yield child


def _counts(call: ast.Call) -> bool:
    return any(keyword.arg == "count" for keyword in call.keywords)


def _template(node: ast.JoinedStr) -> tuple[str, list[ast.expr]] | None:
    parts, values = [], []
    for part in node.values:
        if isinstance(part, ast.Constant):
            parts.append(str(part.value).replace("{", "{{").replace("}", "}}"))
        elif isinstance(part, ast.FormattedValue):
            parts.append("{}")
            values.append(part.value)
    return "".join(parts), values


def _iterated_literals(name: str, node: ast.AST, parents: dict[ast.AST, ast.AST]) -> tuple[str, ...] | None:
    """The strings a comprehension around `node` binds to `name`, when it iterates a literal tuple or list."""
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.ListComp | ast.GeneratorExp | ast.SetComp):
            for generator in node.generators:
                if isinstance(generator.target, ast.Name) and generator.target.id == name:
                    items = generator.iter
                    if isinstance(items, ast.Tuple | ast.List) and all(
                        isinstance(e, ast.Constant) and isinstance(e.value, str) for e in items.elts
                    ):
                        return tuple(e.value for e in items.elts)
                    return None
    return None


def scan(source: str, *, all_literals: bool = False) -> tuple[dict[str, tuple[int, bool]], list[BuiltKey]]:
    """The keys a module uses, each with its first line and whether it is plural, and the keys it builds."""
    tree = ast.parse(source)
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    found: dict[str, tuple[int, bool]] = {}
    built: list[BuiltKey] = []

    def add(key: str, lineno: int, plural: bool) -> None:
        plural = plural or key in COUNTED_BY
        if key in found:
            first, was_plural = found[key]
            found[key] = (min(first, lineno), was_plural or plural)
        else:
            found[key] = (lineno, plural)

    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = _called_name(node)
        if name in LOOKUPS and node.args:
            first = node.args[0]
            if isinstance(first, ast.JoinedStr):
                template, values = _template(first)
                words = None
                if len(values) == 1 and isinstance(values[0], ast.Name):
                    words = _iterated_literals(values[0].id, node, parents)
                expanded = tuple(template.format(word) for word in words) if words else ()
                built.append(BuiltKey(node.lineno, template, expanded))
                for key in expanded:
                    add(key, node.lineno, _counts(node))
            else:
                for literal in _key_literals(first):
                    add(literal.value, literal.lineno, _counts(node))
        elif name in CARRIERS:
            for argument in [*node.args, *(keyword.value for keyword in node.keywords)]:
                for literal in _key_literals(argument):
                    add(literal.value, literal.lineno, _counts(node))
    if all_literals:
        for literal in _key_literals(tree):
            add(literal.value, literal.lineno, False)
    return found, built


def _results(found: dict[str, tuple[int, bool]]) -> Iterator[tuple[int, str, object, list[str]]]:
    for key, (lineno, plural) in sorted(found.items(), key=lambda item: (item[1][0], item[0])):
        # Babel's default keywords give ngettext its two message arguments: that is what makes a plural entry.
        yield (lineno, "ngettext", (key, key), []) if plural else (lineno, "gettext", key, [])


def extract_keys(fileobj, keywords, comment_tags, options):  # noqa: ANN001, ANN201
    """A Babel extraction method: the message keys of one Python module."""
    source = fileobj.read().decode(options.get("encoding", "utf-8"))
    all_literals = str(options.get("all_literals", "")).lower() in {"1", "true", "yes"}
    found, _ = scan(source, all_literals=all_literals)
    yield from _results(found)


def family_keys() -> dict[str, bool]:
    """Every key the registered families can build, with whether it is plural."""
    from app.i18n.families import FAMILIES

    return {template.format(word): template.format(word) in COUNTED_BY
            for template, words in FAMILIES.items() for word in words}


def extract_families(fileobj, keywords, comment_tags, options):  # noqa: ANN001, ANN201
    """A Babel extraction method for app/i18n/families.py: the keys its families can build."""
    tree = ast.parse(fileobj.read())
    lineno = next((node.lineno for node in ast.walk(tree)
                   if isinstance(node, ast.AnnAssign | ast.Assign) and "FAMILIES" in ast.unparse(node)), 1)
    yield from _results({key: (lineno, plural) for key, plural in family_keys().items()})
