"""The asset selection string syntax: ``"*asset2"``, ``"group:g and not tag:k=v"``, ...

:func:`parse_selection` reads a string into a small tree (:data:`Node`);
:class:`~.selection.AssetSelection` turns the tree into a selection. The
syntax is described in the docstring of :mod:`.selection`; the grammar,
read by recursive descent, is::

    selection   := disjunction (',' disjunction)*
    disjunction := conjunction ('or' conjunction)*
    conjunction := negation ('and' negation)*
    negation    := 'not' negation | traversed
    traversed   := '*' | up? operand down?
    up          := '*' | '+'+ | DIGITS '+'
    down        := '*' | '+'+ | '+' DIGITS
    operand     := NAME | FILTER ':' VALUE ('=' VALUE)? | ('sinks' | 'roots') '(' selection ')'
                 | '(' selection ')'

A run of ``+`` counts levels around a NAME (Dagster's original clauses:
``"+a"`` is one level up) but means every level around anything else
(Dagster's newer syntax: ``"+key:a"``); a number always counts levels.
A string that does not parse raises
:class:`~dagwright.errors.AssetSelectionSyntaxError` saying where parsing
stopped, what was expected there and what was found.
"""

from __future__ import annotations

from typing import NamedTuple, NoReturn, Union

from ...errors import AssetSelectionSyntaxError

__all__ = [
    "Node",
    "Star",
    "Name",
    "Filter",
    "Call",
    "Not",
    "Binary",
    "Traverse",
    "FILTERS",
    "parse_selection",
]


class Star(NamedTuple):
    """``*``: every asset."""


class Name(NamedTuple):
    """An asset key written as is (``asset1``, ``prefix/name``)."""

    key: str


class Filter(NamedTuple):
    """``attribute:value`` (``tag:key=value`` also has ``tag_value``)."""

    attribute: str
    value: str
    tag_value: str | None = None


class Call(NamedTuple):
    """``sinks(...)`` or ``roots(...)``."""

    function: str
    operand: Node


class Not(NamedTuple):
    operand: Node


class Binary(NamedTuple):
    """``left and right`` or ``left or right`` (a comma is an ``or``)."""

    operator: str
    left: Node
    right: Node


class Traverse(NamedTuple):
    """An operand with its upstream and downstream levels: 0 none, None every level."""

    operand: Node
    up: int | None
    down: int | None


Node = Union[Star, Name, Filter, Call, Not, Binary, Traverse]  # noqa: UP007 (a runtime alias)

FILTERS = ("key", "key_substring", "group", "tag", "kind", "owner")
"""The attributes a filter may test."""

_FUNCTIONS = ("sinks", "roots")
_KEYWORDS = {"and": "and", "AND": "and", "or": "or", "OR": "or", "not": "not", "NOT": "not"}
_ENDS_WORD = frozenset(' \t\r\n()",=+:*')
"""Characters that end an unquoted name or value (``*`` too, except in ``key:`` values)."""
_OPERAND = "an asset key, a filter (key:, group:, tag:, kind:, owner:), '*' or '('"


class _Marks(NamedTuple):
    """A run of ``+`` or a ``*`` before or after an operand, as written."""

    plus: int
    star: bool
    depth: int | None  # the number of "2+x" or "x+2"
    start: int

    @property
    def empty(self) -> bool:
        return not (self.plus or self.star)


def parse_selection(text: str) -> Node:
    """The tree of a selection string; raises AssetSelectionSyntaxError if it is not one."""
    return _Parser(text).parse()


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    # -- the grammar -------------------------------------------------------

    def parse(self) -> Node:
        node = self._selection()
        self._skip_spaces()
        if self.pos < len(self.text):
            self._fail("'and', 'or', ',' or the end of the selection")
        return node

    def _selection(self) -> Node:
        node = self._disjunction()
        while self._take(","):
            node = Binary("or", node, self._disjunction())
        return node

    def _disjunction(self) -> Node:
        node = self._conjunction()
        while self._keyword("or"):
            node = Binary("or", node, self._conjunction())
        return node

    def _conjunction(self) -> Node:
        node = self._negation()
        while self._keyword("and"):
            node = Binary("and", node, self._negation())
        return node

    def _negation(self) -> Node:
        if self._keyword("not"):
            return Not(self._negation())
        return self._traversed()

    def _traversed(self) -> Node:
        self._skip_spaces()
        if self._at_lone_star():
            self.pos += 1
            return Star()
        up = self._up_marks()
        if not up.empty and self._peek().isspace():
            self._fail(_OPERAND + " right after the traversal")
        operand = self._operand()
        down = self._down_marks()
        is_name = isinstance(operand, Name)
        up_levels = self._levels(up, is_name, before=True)
        down_levels = self._levels(down, is_name, before=False)
        if up_levels == 0 and down_levels == 0:
            return operand
        return Traverse(operand, up_levels, down_levels)

    def _operand(self) -> Node:
        self._skip_spaces()
        start = self.pos
        if self._take("("):
            inner = self._selection()
            self._expect(")")
            return inner
        word = self._word(stars=False)
        if not word or word in _KEYWORDS:
            self.pos = start
            self._fail(_OPERAND)
        if self._peek() == ":":
            return self._filter(word, start)
        if word in _FUNCTIONS:
            after_word = self.pos
            if self._take("("):
                inner = self._selection()
                self._expect(")")
                return Call(word, inner)
            self.pos = after_word
        return Name(word)

    def _filter(self, attribute: str, start: int) -> Filter:
        if attribute not in FILTERS:
            self.pos = start
            self._fail("a filter (" + ", ".join(f"'{f}:'" for f in FILTERS) + ")")
        self.pos += 1  # the colon
        value = self._value(f"{attribute}:", stars=attribute == "key")
        if attribute == "tag":
            before_equals = self.pos
            if self._take("="):
                return Filter(attribute, value, self._value(f"tag:{value}=", stars=False))
            self.pos = before_equals
        return Filter(attribute, value)

    def _up_marks(self) -> _Marks:
        start = self.pos
        digits = self._digits()
        if digits and self._peek() == "+":
            self.pos += 1
            return _Marks(1, False, int(digits), start)
        self.pos = start
        if self._peek() == "*":
            self.pos += 1
            return _Marks(0, True, None, start)
        return _Marks(self._pluses(), False, None, start)

    def _down_marks(self) -> _Marks:
        start = self.pos
        if self._peek() == "*":
            self.pos += 1
            return _Marks(0, True, None, start)
        plus = self._pluses()
        digits = self._digits() if plus == 1 else ""
        return _Marks(plus, False, int(digits) if digits else None, start)

    def _levels(self, marks: _Marks, is_name: bool, before: bool) -> int | None:
        """The levels marks ask for: 0 none, None every level."""
        if marks.empty:
            return 0
        if marks.star:
            return None
        if marks.depth is not None:
            return marks.depth
        if is_name:  # Dagster's original clauses: each '+' is one level
            return marks.plus
        if marks.plus == 1:  # the newer syntax: a bare '+' is every level
            return None
        self.pos = marks.start
        example = f"{marks.plus}+key:x" if before else f"key:x+{marks.plus}"
        return self._fail(
            f"one '+' (every level) or a number of levels ({example!r}) around a filter"
        )

    # -- reading characters ------------------------------------------------

    def _peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def _skip_spaces(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos].isspace():
            self.pos += 1

    def _take(self, char: str) -> bool:
        self._skip_spaces()
        if self._peek() == char:
            self.pos += 1
            return True
        return False

    def _expect(self, char: str) -> None:
        if not self._take(char):
            self._fail(f"'{char}'")

    def _keyword(self, keyword: str) -> bool:
        start = self.pos
        self._skip_spaces()
        if _KEYWORDS.get(self._word(stars=False)) == keyword:
            return True
        self.pos = start
        return False

    def _at_lone_star(self) -> bool:
        """A ``*`` that is a whole operand (``"*"``, ``"sinks(*)"``), not ``"*name"``."""
        if self._peek() != "*":
            return False
        after = self.text[self.pos + 1 : self.pos + 2]
        return after == "" or after.isspace() or after in "),"

    def _word(self, stars: bool) -> str:
        start = self.pos
        text = self.text
        while self.pos < len(text) and (
            text[self.pos] not in _ENDS_WORD or (stars and text[self.pos] == "*")
        ):
            self.pos += 1
        return text[start : self.pos]

    def _digits(self) -> str:
        start = self.pos
        while self.pos < len(self.text) and self.text[self.pos].isdigit():
            self.pos += 1
        return self.text[start : self.pos]

    def _pluses(self) -> int:
        start = self.pos
        while self._peek() == "+":
            self.pos += 1
        return self.pos - start

    def _value(self, after: str, stars: bool) -> str:
        self._skip_spaces()
        if self._peek() == '"':
            end = self.text.find('"', self.pos + 1)
            if end < 0:
                self.pos = len(self.text)
                self._fail("a closing '\"'")
            value = self.text[self.pos + 1 : end]
            self.pos = end + 1
            return value
        start = self.pos
        value = self._word(stars=stars)
        if not value or value in _KEYWORDS:  # a keyword as a value must be quoted
            self.pos = start
            self._fail(f"a value after '{after}' (a name, or a quoted string)")
        return value

    def _fail(self, expected: str) -> NoReturn:
        if self.pos >= len(self.text):
            found = "the end of the selection"
        else:
            start = self.pos
            found = repr(self._word(stars=True) or self.text[start])
            self.pos = start
        raise AssetSelectionSyntaxError(
            text=self.text, position=self.pos, expected=expected, found=found
        )
