"""The one reader of YAML files the user gives (shock calendars, scenario files, venue maps).

Safe loading (no Python objects), and four refusals beyond it, each an error naming the file:

* a key given twice in one mapping (``start:`` twice in a shock) — PyYAML keeps the last one
  without a word;
* more than :data:`MAX_ALIASES` aliases (``*name``), or a document that aliases expand to
  more than :data:`MAX_NODES` nodes — an alias bomb ("billion laughs") expands a few lines
  into billions of nodes;
* nesting deeper than :data:`MAX_DEPTH` — deep nesting exhausts Python's recursion;
* a file larger than :data:`MAX_BYTES`, or text that is not UTF-8.
"""

from __future__ import annotations

from os import PathLike
from pathlib import Path
from typing import Any

import yaml

__all__ = ["MAX_ALIASES", "MAX_BYTES", "MAX_DEPTH", "MAX_NODES", "load_yaml"]

MAX_ALIASES = 100
"""Aliases a file may use; hand-written calendars and scenarios use a few at most."""
MAX_NODES = 100_000
"""Nodes a document may hold once its aliases are expanded."""
MAX_DEPTH = 20
"""Nesting depth of mappings and lists; a scenario file needs five."""
MAX_BYTES = 10 * 1024 * 1024
"""Largest file read."""


class _Refused(Exception):
    """A construct the loader refuses, with the reason."""


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate keys, alias bombs and deep nesting."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._aliases = 0
        self._depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                mark = self.peek_event().start_mark
                raise _Refused(
                    f"more than {MAX_ALIASES} aliases (line {mark.line + 1}): an alias bomb? "
                    "write the values out"
                )
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                mark = self.peek_event().start_mark
                raise _Refused(f"nesting deeper than {MAX_DEPTH} levels (line {mark.line + 1})")
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def get_single_data(self) -> Any:
        node = self.get_single_node()
        if node is None:
            return None
        if _expanded_size(node, {}) > MAX_NODES:
            raise _Refused(
                f"its aliases expand to more than {MAX_NODES} values: an alias bomb? write the "
                "values out"
            )
        return self.construct_document(node)

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                line = seen.get(key)
            except TypeError:  # an unhashable key: SafeLoader names it
                break
            if line is not None:
                raise _Refused(
                    f"the key {key!r} is given twice in one mapping (lines {line} and "
                    f"{key_node.start_mark.line + 1}); keep one"
                )
            seen[key] = key_node.start_mark.line + 1
        return super().construct_mapping(node, deep=deep)


def _expanded_size(node: yaml.Node, memo: dict[int, int]) -> int:
    """Nodes of ``node`` with every alias expanded (each shared node counted where it is used,
    computed once)."""
    key = id(node)
    if key not in memo:
        memo[key] = 1  # a node reached again while it is being counted (a cycle)
        if isinstance(node, yaml.SequenceNode):
            children = node.value
        elif isinstance(node, yaml.MappingNode):
            children = [n for pair in node.value for n in pair]
        else:
            children = []
        memo[key] = 1 + sum(_expanded_size(child, memo) for child in children)
    return memo[key]


_StrictLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _StrictLoader.construct_mapping
)


def load_yaml(path: str | PathLike, what: str, *, error: type[Exception]) -> Any:
    """The document in the YAML file ``path`` (a ``what``: "shocks file"...).

    Raises
    ------
    error
        A missing, oversized, non-UTF-8 or unparseable file, or one with a duplicate key, too
        many aliases or too deep nesting; the message names the file and the reason.
    """
    p = Path(path)
    if not p.is_file():
        raise error(f"{what} {str(p)!r} does not exist; check the path")
    if p.stat().st_size > MAX_BYTES:
        raise error(f"{what} {str(p)!r} is larger than {MAX_BYTES // 2**20} MB; is it YAML?")
    try:
        text = p.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise error(
            f"{what} {str(p)!r} is not UTF-8 text (byte {exc.object[exc.start]:#04x} at "
            f"position {exc.start}); save it as UTF-8"
        ) from exc
    loader = None
    try:
        loader = _StrictLoader(text)
        return loader.get_single_data()
    except _Refused as exc:
        raise error(f"{what} {str(p)!r} refused: {exc}") from None
    except yaml.YAMLError as exc:
        reason = " ".join(str(exc).split())
        raise error(f"cannot parse {what} {str(p)!r} as YAML: {reason}") from exc
    except RecursionError:
        raise error(f"{what} {str(p)!r} refused: nested too deeply") from None
    finally:
        if loader is not None:
            loader.dispose()
