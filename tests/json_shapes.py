"""Compare two JSON answers by shape: key paths and value types, the real one as the reference.

A real answer's shape is the union of what it shows: a list's items merge into one item shape
(the union of their keys and of each key's types), or into one shape per kind when the list
holds several kinds (actions, by type). `null` in the real answer stands for "any type".
Paths read like `[].labels[].name`; an ignored entry matches a path or any path ending in
`.entry`, and skips everything below it.
"""

from dataclasses import dataclass, field


@dataclass
class Shape:
    """The types seen at one place in a JSON document, with the shapes of its keys and items."""

    types: set = field(default_factory=set)
    keys: dict = field(default_factory=dict)
    items: dict = field(default_factory=dict)  # kind of item (None: all one kind) -> Shape


@dataclass
class _Run:
    """One comparison: what to skip, how to sort list items into kinds, and what was found."""

    ignore: frozenset
    kinds: dict
    found: set = field(default_factory=set)
    empty: set = field(default_factory=set)  # list paths where the sandbox showed no items
    filled: set = field(default_factory=set)  # list paths where it showed some

    def ignores(self, path):
        """Tell whether a path, or a key path it ends with, is on the allow-list."""
        return any(path == entry or path.endswith("." + entry) for entry in self.ignore)

    def kind(self, path, item):
        """Return the kind of a list item at path (None when the list has only one kind)."""
        sort = self.kinds.get(path)
        return sort(item) if sort and isinstance(item, dict) else None


def type_name(value):
    """Return a JSON type name; int and float are one "number", as JSON has only one."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    return {str: "string", list: "array", dict: "object"}[type(value)]


def shape_of(value, run, path="", into=None):
    """Return the shape of a real JSON value, merged into an existing shape when given one."""
    shape = into or Shape()
    shape.types.add(type_name(value))
    if isinstance(value, dict):
        for key, inner in value.items():
            inner_path = f"{path}.{key}" if path else key
            shape.keys[key] = shape_of(inner, run, inner_path, shape.keys.get(key))
    elif isinstance(value, list):
        for item in value:
            kind = run.kind(f"{path}[]", item)
            shape.items[kind] = shape_of(item, run, f"{path}[]", shape.items.get(kind))
    return shape


def differences(real, mine, ignore=(), kinds=None):
    """Return how `mine` falls short of the real answer's shape, one sentence per difference.

    kinds maps a list's path to a function naming the kind of each item: our items are then
    compared with the real items of their own kind only (ours of a kind never seen are skipped).
    """
    run = _Run(frozenset(ignore), dict(kinds or {}))
    _compare(shape_of(real, run), mine, "", run)
    for path in sorted(run.empty - run.filled):
        run.found.add(f"{path}: the sandbox's lists are all empty, so their items go unchecked")
    return sorted(run.found)


def _compare(shape, mine, path, run):
    """Compare one value of ours against the real shape at path, noting what differs."""
    if run.ignores(path) or shape.types == {"null"}:
        return  # null in the real answer says nothing about the type
    found = type_name(mine)
    if found not in shape.types:
        expected = "/".join(sorted(shape.types - {"null"}))
        run.found.add(f"{path or '(top)'}: real Trello sends {expected}, the sandbox {found}")
    elif found == "object":
        for key, inner in shape.keys.items():
            inner_path = f"{path}.{key}" if path else key
            if key not in mine and not run.ignores(inner_path):
                run.found.add(f"{inner_path}: missing from the sandbox's answer")
            elif key in mine:
                _compare(inner, mine[key], inner_path, run)
    elif found == "array" and shape.items and not run.ignores(f"{path}[]"):
        (run.filled if mine else run.empty).add(path or "(top)")
        for item in mine:
            real_item = shape.items.get(run.kind(f"{path}[]", item))
            if real_item is not None:
                _compare(real_item, item, f"{path}[]", run)
