"""The tag query language: parse a search string into a tree, compile the tree to SQL.

Grammar (precedence NOT > AND > OR; adjacent terms are joined by an implicit AND)::

    query   := or_expr
    or_expr := and_expr ("OR" and_expr)*
    and_expr:= not_expr (["AND"] not_expr)*
    not_expr:= "NOT" not_expr | primary
    primary := WORD | QUOTED | "(" or_expr ")"

A WORD is a run of characters other than whitespace, parentheses and double quotes (letters of
any script, digits, ``-``, ``_``, ``'``...), except the keywords AND, OR, NOT in any case. A tag
named like a keyword, or with spaces, is written in double quotes: ``"hot dog"``, ``"not"``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Generic, TypeAlias, TypeVar, Union

from organizer.errors import QuerySyntaxError

# -- the tree ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    name: str


# The operators hold parse-tree nodes (Node) or, once the compiler has resolved names to tag ids,
# resolved nodes (Resolved).
Child = TypeVar("Child")


@dataclass(frozen=True)
class Not(Generic[Child]):
    child: Child


@dataclass(frozen=True)
class And(Generic[Child]):
    children: tuple[Child, ...]


@dataclass(frozen=True)
class Or(Generic[Child]):
    children: tuple[Child, ...]


# Union[] rather than "|": a recursive alias needs quoted names, and "type | str" fails at runtime.
Node: TypeAlias = Union[Term, "Not[Node]", "And[Node]", "Or[Node]"]

# -- tokens --------------------------------------------------------------------------------


class Kind(Enum):
    WORD = "word"
    AND = "AND"
    OR = "OR"
    NOT = "NOT"
    OPEN = "("
    CLOSE = ")"
    END = "end"


@dataclass(frozen=True)
class Token:
    kind: Kind
    text: str
    position: int


_KEYWORDS = {"and": Kind.AND, "or": Kind.OR, "not": Kind.NOT}
_DELIMITERS = frozenset('()"')


def tokenize(text: str) -> list[Token]:
    """Split ``text`` into tokens; the list always ends with an END token."""
    tokens: list[Token] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char.isspace():
            index += 1
        elif char == "(":
            tokens.append(Token(Kind.OPEN, char, index))
            index += 1
        elif char == ")":
            tokens.append(Token(Kind.CLOSE, char, index))
            index += 1
        elif char == '"':
            index = _read_quoted(text, index, tokens)
        else:
            index = _read_word(text, index, tokens)
    tokens.append(Token(Kind.END, "", len(text)))
    return tokens


def _read_quoted(text: str, start: int, tokens: list[Token]) -> int:
    end = text.find('"', start + 1)
    if end < 0:
        raise QuerySyntaxError("unterminated quote", start)
    name = " ".join(text[start + 1 : end].split())
    if not name:
        raise QuerySyntaxError("empty tag name in quotes", start)
    # A quoted word is always a tag name, even "and" or "not".
    tokens.append(Token(Kind.WORD, name, start))
    return end + 1


def _read_word(text: str, start: int, tokens: list[Token]) -> int:
    end = start
    while end < len(text) and not text[end].isspace() and text[end] not in _DELIMITERS:
        end += 1
    word = text[start:end]
    tokens.append(Token(_KEYWORDS.get(word.lower(), Kind.WORD), word, start))
    return end


# -- parser --------------------------------------------------------------------------------

_STARTS_OPERAND = frozenset({Kind.WORD, Kind.NOT, Kind.OPEN})
_OPERATORS = frozenset({Kind.AND, Kind.OR, Kind.NOT})


def query_terms(node: Node) -> set[str]:
    """Every tag name a query mentions (to tell the user about names that match no tag)."""
    if isinstance(node, Term):
        return {node.name}
    if isinstance(node, Not):
        return query_terms(node.child)
    return set().union(*(query_terms(child) for child in node.children))


def parse_query(text: str) -> Node:
    """Parse a search string; raise QuerySyntaxError (with a 0-based position) if it is bad."""
    if not text.strip():
        raise QuerySyntaxError("empty query", 0)
    try:
        return _Parser(tokenize(text)).parse()
    except RecursionError:
        # Hundreds of nested parentheses: refuse cleanly rather than crash.
        raise QuerySyntaxError("query nested too deeply", 0) from None


class _Parser:
    """Recursive descent over the token list; one method per grammar rule."""

    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.index = 0

    def peek(self) -> Token:
        return self.tokens[self.index]

    def advance(self) -> Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def previous(self) -> Token | None:
        return self.tokens[self.index - 1] if self.index > 0 else None

    def parse(self) -> Node:
        node = self.or_expr()
        token = self.peek()
        if token.kind is Kind.CLOSE:
            raise QuerySyntaxError("unmatched ')'", token.position)
        # Any other token would have been consumed by an implicit AND.
        assert token.kind is Kind.END, token
        return node

    def or_expr(self) -> Node:
        children = [self.and_expr()]
        while self.peek().kind is Kind.OR:
            self.advance()
            children.append(self.and_expr())
        return children[0] if len(children) == 1 else Or(tuple(children))

    def and_expr(self) -> Node:
        children = [self.not_expr()]
        while True:
            kind = self.peek().kind
            if kind is Kind.AND:
                self.advance()
            elif kind not in _STARTS_OPERAND:
                break
            children.append(self.not_expr())
        return children[0] if len(children) == 1 else And(tuple(children))

    def not_expr(self) -> Node:
        if self.peek().kind is Kind.NOT:
            self.advance()
            return Not(self.not_expr())
        return self.primary()

    def primary(self) -> Node:
        token = self.peek()
        if token.kind is Kind.WORD:
            self.advance()
            return Term(token.text)
        if token.kind is Kind.OPEN:
            return self.group()
        raise self.missing_operand(token)

    def group(self) -> Node:
        opening = self.advance()
        if self.peek().kind is Kind.CLOSE:
            raise QuerySyntaxError("empty parentheses", opening.position)
        node = self.or_expr()
        if self.peek().kind is not Kind.CLOSE:
            raise QuerySyntaxError("unmatched '('", opening.position)
        self.advance()
        return node

    def missing_operand(self, token: Token) -> QuerySyntaxError:
        """A tag was expected at ``token``: blame the operator that is left without one."""
        before = self.previous()
        if before is not None and before.kind in _OPERATORS:
            return _dangling(before)
        if token.kind in (Kind.AND, Kind.OR):
            return QuerySyntaxError(f"{token.kind.value} needs a tag before it", token.position)
        if token.kind is Kind.CLOSE:
            return QuerySyntaxError("unmatched ')'", token.position)
        return QuerySyntaxError("expected a tag", token.position)


def _dangling(operator: Token) -> QuerySyntaxError:
    return QuerySyntaxError(f"{operator.kind.value} needs a tag after it", operator.position)


# -- compiler ------------------------------------------------------------------------------

Resolver = Callable[[str], Sequence[int]]

# A term resolved to tag ids; an empty tuple never appears (unknown tags fold to NOTHING).
Ids = tuple[int, ...]


@dataclass(frozen=True)
class Constant:
    value: bool


NOTHING = Constant(False)
EVERYTHING = Constant(True)
Resolved: TypeAlias = Union[Constant, Ids, "Not[Resolved]", "And[Resolved]", "Or[Resolved]"]

# Only these photo_tags rows count; the text must match the partial index's WHERE clause
# (photo_tags_visible) word for word, or SQLite will not use that index.
VISIBLE = "state != 'rejected'"


def compile_query(node: Node, resolve: Resolver) -> tuple[str, list]:
    """SQL selecting the ids of matching photos (one column, ORDER BY id) and its parameters.

    ``resolve(name)`` gives the tag ids a term matches (the tag and its descendants); a term
    that resolves to nothing matches no photo.
    """
    resolved = resolve_query(node, resolve)
    if isinstance(resolved, Constant):
        return (
            ("SELECT id FROM photos ORDER BY id", [])
            if resolved.value
            else ("SELECT id FROM photos WHERE 0", [])
        )
    chain = _chain(resolved)
    if chain.size > MAX_COMPOUND_ARMS:
        return _compile_grouped(resolved)
    return f"{chain.sql} ORDER BY 1", chain.params


def resolve_query(node: Node, resolve: Resolver) -> Resolved:
    """The query over tag ids: EVERYTHING, NOTHING, or a tree of And, Or and Not over Ids in
    which no constant is left."""
    return _resolve(node, resolve, {})


def _resolve(node: Node, resolve: Resolver, cache: dict[str, Resolved]) -> Resolved:
    """Replace names by tag ids and fold away constants (unknown tags, double negation)."""
    if isinstance(node, Term):
        # Keyed by the exact name: SQLite's NOCASE folds only ASCII, so no folding here either.
        key = node.name
        if key not in cache:
            ids = tuple(sorted(set(resolve(node.name))))
            cache[key] = ids if ids else NOTHING
        return cache[key]
    if isinstance(node, Not):
        child = _resolve(node.child, resolve, cache)
        if isinstance(child, Constant):
            return Constant(not child.value)
        return child.child if isinstance(child, Not) else Not(child)
    return _fold(node, [_resolve(child, resolve, cache) for child in node.children])


def _fold(node: And | Or, children: list[Resolved]) -> Resolved:
    absorbing = NOTHING if isinstance(node, And) else EVERYTHING
    if absorbing in children:
        return absorbing
    kept: list[Resolved] = []
    for child in children:
        # Flatten nested And-in-And / Or-in-Or; drop neutral constants.
        if isinstance(child, type(node)):
            kept.extend(c for c in child.children if c not in kept)
        elif not isinstance(child, Constant) and child not in kept:
            kept.append(child)
    if not kept:
        return EVERYTHING if isinstance(node, And) else NOTHING
    return kept[0] if len(kept) == 1 else type(node)(tuple(kept))


# -- SQL shape: compound SELECTs of per-tag index scans (the default) ------------------------
#
# Each tag's visible rows come out of photo_tags_visible already sorted by photo_id, so with
# the final ORDER BY SQLite merges the sorted streams (MERGE (INTERSECT/UNION/EXCEPT)) without
# sorting or building temporary tables. Measured against GROUP BY ... HAVING, EXISTS probes and
# IN-subqueries this was the fastest shape for every query kind (see bench/README.md).

# SQLite refuses compound SELECTs of more than 500 arms (SQLITE_MAX_COMPOUND_SELECT); bigger
# queries use the grouped shape, which has no such limit.
MAX_COMPOUND_ARMS = 400
# A term with more tag ids than this (a tag with a large subtree) becomes one sorted IN-scan
# instead of a merge of one arm per tag.
MAX_ARMS_PER_TERM = 16
_ALL_PHOTOS = "SELECT id FROM photos"
_TAG_ROWS = f"SELECT photo_id FROM photo_tags WHERE tag_id = ? AND {VISIBLE}"


@dataclass(frozen=True)
class _Arm:
    operator: str  # "" for the first arm, else UNION, INTERSECT or EXCEPT
    select: str
    params: tuple
    size: int  # SELECTs inside, nested ones included


@dataclass(frozen=True)
class _Chain:
    """A compound SELECT; SQLite applies its operators strictly left to right."""

    arms: tuple[_Arm, ...]

    @property
    def sql(self) -> str:
        return " ".join(f"{arm.operator} {arm.select}".strip() for arm in self.arms)

    @property
    def params(self) -> list:
        return [param for arm in self.arms for param in arm.params]

    @property
    def size(self) -> int:
        return sum(arm.size for arm in self.arms)

    @property
    def is_single(self) -> bool:
        return len(self.arms) == 1

    @property
    def is_union(self) -> bool:
        return all(arm.operator in ("", "UNION") for arm in self.arms)

    def then(self, operator: str, other: _Chain) -> _Chain:
        """``(self) operator (other)``, without a subquery wherever the algebra allows."""
        added: tuple[_Arm, ...]
        if other.is_single:
            only = other.arms[0]
            added = (_Arm(operator, only.select, only.params, only.size),)
        elif other.is_union and operator in ("UNION", "EXCEPT"):
            # x | (a | b) = x | a | b and x - (a | b) = x - a - b: splice, stay one flat merge.
            added = tuple(_Arm(operator, arm.select, arm.params, arm.size) for arm in other.arms)
        else:
            subquery = f"SELECT * FROM ({other.sql})"
            added = (_Arm(operator, subquery, tuple(other.params), other.size),)
        return _Chain(self.arms + added)


def _single(select: str, params: Sequence[object] = ()) -> _Chain:
    return _Chain((_Arm("", select, tuple(params), 1),))


def _chain(resolved: Resolved) -> _Chain:
    if isinstance(resolved, tuple):
        return _term_chain(resolved)
    if isinstance(resolved, Not):
        return _single(_ALL_PHOTOS).then("EXCEPT", _chain(resolved.child))
    if isinstance(resolved, Or):
        return _combine("UNION", [_chain(child) for child in resolved.children])
    assert isinstance(resolved, And), resolved
    positives = [_chain(child) for child in resolved.children if not isinstance(child, Not)]
    negatives = [_chain(child.child) for child in resolved.children if isinstance(child, Not)]
    chain = _combine("INTERSECT", positives) if positives else _single(_ALL_PHOTOS)
    for negative in negatives:
        chain = chain.then("EXCEPT", negative)
    return chain


def _combine(operator: str, chains: list[_Chain]) -> _Chain:
    """Join chains with one operator, leading with one that would otherwise need a subquery."""
    spliceable = (lambda c: c.is_union) if operator == "UNION" else (lambda c: c.is_single)
    lead = next((c for c in chains if not spliceable(c)), chains[0])
    result = lead
    for chain in chains:
        if chain is not lead:
            result = result.then(operator, chain)
    return result


def _term_chain(ids: Ids) -> _Chain:
    if len(ids) > MAX_ARMS_PER_TERM:
        return _single(
            f"SELECT DISTINCT photo_id FROM photo_tags WHERE tag_id IN ({_marks(ids)})"
            f" AND {VISIBLE}",
            ids,
        )
    chain = _single(_TAG_ROWS, (ids[0],))
    for tag_id in ids[1:]:
        chain = chain.then("UNION", _single(_TAG_ROWS, (tag_id,)))
    return chain


# -- SQL shape: one pass over the visible rows of every tag named, grouped per photo ---------
#
# The fallback for queries too big for one compound SELECT.


def _compile_grouped(resolved: Resolved) -> tuple[str, list]:
    """Group the visible rows of all named tags by photo and test the expression per group.

    A photo with none of the named tags has no group; it matches only when the expression is
    true with every term false (e.g. ``NOT cat``), so then the query selects all photos except
    the groups where the expression is false.
    """
    terms = _terms(resolved)
    all_ids = sorted({tag_id for ids in terms for tag_id in ids})
    having, having_params = _having(resolved)
    if _evaluate(resolved, frozenset()):
        rows = (
            f"SELECT photo_id FROM photo_tags WHERE tag_id IN ({_marks(all_ids)}) AND {VISIBLE}"
            f" GROUP BY photo_id HAVING NOT ({having})"
        )
        sql = f"SELECT id FROM photos WHERE id NOT IN ({rows}) ORDER BY id"
    elif isinstance(resolved, tuple):
        sql = (
            f"SELECT DISTINCT photo_id FROM photo_tags WHERE tag_id IN ({_marks(all_ids)})"
            f" AND {VISIBLE} ORDER BY photo_id"
        )
        having_params = []
    else:
        sql = (
            f"SELECT photo_id FROM photo_tags WHERE tag_id IN ({_marks(all_ids)}) AND {VISIBLE}"
            f" GROUP BY photo_id HAVING {having} ORDER BY photo_id"
        )
    return sql, [*all_ids, *having_params]


def _terms(resolved: Resolved) -> list[Ids]:
    if isinstance(resolved, tuple):
        return [resolved]
    if isinstance(resolved, Not):
        return _terms(resolved.child)
    if isinstance(resolved, And | Or):
        return [ids for child in resolved.children for ids in _terms(child)]
    return []


def _having(resolved: Resolved) -> tuple[str, list]:
    """The expression as an aggregate condition over one photo's rows."""
    if isinstance(resolved, tuple):
        return f"MAX(tag_id IN ({_marks(resolved)}))", list(resolved)
    if isinstance(resolved, Not):
        inner, params = _having(resolved.child)
        return f"NOT {inner}", params
    assert isinstance(resolved, And | Or), resolved
    joiner = " AND " if isinstance(resolved, And) else " OR "
    return _balanced([_having(child) for child in resolved.children], joiner)


def _balanced(parts: list[tuple[str, list]], joiner: str) -> tuple[str, list]:
    """Join as a balanced tree: SQLite parses ``a OR b OR c...`` one level deeper per term and
    refuses expressions more than 1000 levels deep."""
    if len(parts) == 1:
        return parts[0]
    middle = len(parts) // 2
    left, left_params = _balanced(parts[:middle], joiner)
    right, right_params = _balanced(parts[middle:], joiner)
    return f"({left}{joiner}{right})", left_params + right_params


def _evaluate(resolved: Resolved, present: frozenset[Ids]) -> bool:
    """The expression's value for a photo carrying exactly the terms in ``present``."""
    if isinstance(resolved, tuple):
        return resolved in present
    if isinstance(resolved, Not):
        return not _evaluate(resolved.child, present)
    if isinstance(resolved, And):
        return all(_evaluate(child, present) for child in resolved.children)
    if isinstance(resolved, Or):
        return any(_evaluate(child, present) for child in resolved.children)
    return resolved.value


def _marks(values: Sequence[object]) -> str:
    return ", ".join("?" * len(values))
