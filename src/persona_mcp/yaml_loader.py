"""PyYAML's safe loader as persona files and lexicons are read with it.

libyaml's parser when PyYAML was built with it (the wheels are), the pure-Python one otherwise.
Imported where YAML is first read, not at start-up: the server answers `initialize` and
`tools/list` before it reads any persona.
"""

from __future__ import annotations

from typing import Any

from yaml.nodes import Node, ScalarNode

try:
    from yaml import CSafeLoader as _SafeLoader
except ImportError:  # PyYAML built without libyaml
    from yaml import SafeLoader as _SafeLoader  # type: ignore[assignment]

TEXT_TAG = "tag:yaml.org,2002:str"


class Loader(_SafeLoader):
    """The safe loader, building a text value straight from its node.

    PyYAML builds every value through one generic path (guards against recursion, a constructor
    looked up by tag) that costs more than parsing the value; most values of a frontmatter or a
    lexicon are text, whose value is the node's own text.
    """

    def construct_object(self, node: Node, deep: bool = False) -> Any:
        if node.tag == TEXT_TAG and isinstance(node, ScalarNode):
            return node.value
        return super().construct_object(node, deep)
