"""The tag query language: parsing, syntax errors, and what Library.search finds in a real index."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from organizer.errors import QuerySyntaxError
from organizer.library import Library, browse, open_database
from organizer.library import query as query_module
from organizer.library.paths import natural_sort_key
from organizer.library.query import And, Node, Not, Or, Term, compile_query, parse_query
from organizer.library.store import PhotoRecord, TagDefinition
from organizer.library.tag_edits import delete_tag, merge_tags
from organizer.library.tag_sets import TagSets

# -- parsing ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("dog", Term("dog")),
        ("  dog  ", Term("dog")),
        ("beach sunset", And((Term("beach"), Term("sunset")))),
        ("beach AND sunset", And((Term("beach"), Term("sunset")))),
        ("beach and sunset", And((Term("beach"), Term("sunset")))),
        ("beach Or sunset", Or((Term("beach"), Term("sunset")))),
        ("a OR b c", Or((Term("a"), And((Term("b"), Term("c")))))),
        ("a b OR c", Or((And((Term("a"), Term("b"))), Term("c")))),
        ("a OR b AND c", Or((Term("a"), And((Term("b"), Term("c")))))),
        ("NOT a AND b", And((Not(Term("a")), Term("b")))),
        ("NOT a OR b", Or((Not(Term("a")), Term("b")))),
        ("not cat", Not(Term("cat"))),
        ("NOT NOT cat", Not(Not(Term("cat")))),
        ("a NOT b", And((Term("a"), Not(Term("b"))))),
        ("(a OR b) c", And((Or((Term("a"), Term("b"))), Term("c")))),
        ("(a OR b)(c)", And((Or((Term("a"), Term("b"))), Term("c")))),
        ("NOT (a OR b)", Not(Or((Term("a"), Term("b"))))),
        ("((a))", Term("a")),
        ("a OR b OR c", Or((Term("a"), Term("b"), Term("c")))),
        ("a AND b c", And((Term("a"), Term("b"), Term("c")))),
        ('"hot dog"', Term("hot dog")),
        ('"hot   dog" bun', And((Term("hot dog"), Term("bun")))),
        ('"and" OR "NOT"', Or((Term("and"), Term("NOT")))),
        ('"a"b', And((Term("a"), Term("b")))),
        ("中文 OR 猫", Or((Term("中文"), Term("猫")))),
        ("café über", And((Term("café"), Term("über")))),
        ("it's x-ray_2", And((Term("it's"), Term("x-ray_2")))),
        ("android oracle notebook", And((Term("android"), Term("oracle"), Term("notebook")))),
    ],
)
def test_parse(text: str, expected: Node) -> None:
    assert parse_query(text) == expected


@pytest.mark.parametrize(
    ("text", "message", "position"),
    [
        ("", "empty query", 0),
        ("   ", "empty query", 0),
        ("(dog", "unmatched '('", 0),
        ("cat (dog OR (beach)", "unmatched '('", 4),
        ("dog)", "unmatched ')'", 3),
        (")", "unmatched ')'", 0),
        ("(a))", "unmatched ')'", 3),
        ('dog "hot', "unterminated quote", 4),
        ('""', "empty tag name in quotes", 0),
        ("dog AND", "AND needs a tag after it", 4),
        ("dog or", "OR needs a tag after it", 4),
        ("NOT", "NOT needs a tag after it", 0),
        ("dog NOT", "NOT needs a tag after it", 4),
        ("AND dog", "AND needs a tag before it", 0),
        ("OR dog", "OR needs a tag before it", 0),
        ("dog (OR cat)", "OR needs a tag before it", 5),
        ("dog OR OR cat", "OR needs a tag after it", 4),
        ("NOT AND cat", "NOT needs a tag after it", 0),
        ("(dog AND) cat", "AND needs a tag after it", 5),
        ("()", "empty parentheses", 0),
        ("dog ( )", "empty parentheses", 4),
    ],
)
def test_syntax_errors(text: str, message: str, position: int) -> None:
    with pytest.raises(QuerySyntaxError) as caught:
        parse_query(text)
    assert caught.value.position == position
    assert str(caught.value) == f"{message} at position {position + 1}"
    assert "\n" not in str(caught.value)


def test_absurd_nesting_is_a_syntax_error() -> None:
    with pytest.raises(QuerySyntaxError, match="nested too deeply"):
        parse_query("(" * 5000 + "dog" + ")" * 5000)


def test_position_counts_characters_not_bytes() -> None:
    with pytest.raises(QuerySyntaxError) as caught:
        parse_query("中文 AND")
    assert caught.value.position == 3


# -- searching a real index -------------------------------------------------------------------

TAGS = [
    TagDefinition("animal"),
    TagDefinition("dog", parent="animal", aliases=("doggo", "dogs")),
    TagDefinition("puppy", parent="dog"),
    TagDefinition("cat", parent="animal", aliases=("kitty",)),
    TagDefinition("beach"),
    TagDefinition("sunset"),
    TagDefinition("indoor"),
    TagDefinition("hot dog"),
    TagDefinition("花", display_en="flower"),
]

# photo number -> model tags; then user corrections below.
MODEL_TAGS: dict[int, list[str]] = {
    1: ["dog", "beach"],
    2: ["cat", "indoor"],
    3: ["puppy", "sunset"],
    4: ["beach", "sunset"],
    5: ["hot dog"],
    6: ["花", "cat"],
    7: [],
    8: ["dog", "beach"],
    9: [],
}
REJECTED = {6: "cat", 8: "dog"}  # the user said no: these must never match
USER_ADDED = {7: "grandma"}
ALL = list(MODEL_TAGS)


Search = Callable[..., list[int]]


def _sql_search(lib: Library, text: str, limit: int | None = None) -> list[int]:
    """The query as compiled SQL (what the app's album filter runs), not the bitmaps."""
    sql, params = compile_query(parse_query(text), lib.tag_with_descendants)
    if limit is not None:
        sql += f" LIMIT {limit}"
    return [row[0] for row in lib.connection.execute(sql, params)]


@pytest.fixture(params=["bitmaps", "compound", "grouped"])
def search(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Search:
    """Run a test with each way a query is answered: Library.search's tag bitmaps, and both
    SQL shapes, compound SELECTs and the grouped fallback for huge queries (forced here by
    allowing no compound arms)."""
    if request.param == "bitmaps":
        return lambda lib, text, limit=None: lib.search(text, limit=limit)
    if request.param == "grouped":
        monkeypatch.setattr(query_module, "MAX_COMPOUND_ARMS", 0)
    return _sql_search


@pytest.fixture
def library(tmp_path: Path) -> Iterator[tuple[Library, dict[int, int]]]:
    """A real library file; yields it and a map from photo number to photo id."""
    lib = Library(open_database(tmp_path / "lib"), tmp_path / "lib")
    tag_ids = lib.sync_tag_definitions(TAGS)
    folder = lib.add_folder(tmp_path)
    ids: dict[int, int] = {}
    with lib.transaction() as db:
        for number, names in MODEL_TAGS.items():
            record = PhotoRecord(str(tmp_path / f"p{number}.jpg"), folder, 1000, 1)
            ids[number] = lib.insert_photo(db, record)
            scores = [(tag_ids[name.lower()], 0.9) for name in names]
            lib.apply_model_tags(db, ids[number], scores, "v1", None)
    for number, name in REJECTED.items():
        lib.set_user_tag([ids[number]], name, "rejected")
    for number, name in USER_ADDED.items():
        lib.set_user_tag([ids[number]], name, "confirmed")
    yield lib, ids
    lib.close()


def _others(*numbers: int) -> list[int]:
    return [n for n in ALL if n not in numbers]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("beach", [1, 4, 8]),
        ("BEACH", [1, 4, 8]),
        ("cat", [2]),  # photo 6's cat was rejected
        ("dog", [1, 3]),  # puppy is a dog; photo 8's dog was rejected
        ("doggo", [1, 3]),  # alias
        ("Kitty", [2]),  # alias, any case
        ("animal", [1, 2, 3]),  # grandparent finds grandchildren
        ("puppy", [3]),  # a child does not find its parent
        ("grandma", [7]),  # a tag the user added
        ('"hot dog"', [5]),
        ("hot dog", []),  # two terms; "hot" is unknown
        ("花", [6]),
        ("beach sunset", [4]),
        ("beach AND dog", [1]),
        ("animal beach", [1]),
        ("animal AND dog", [1, 3]),  # overlapping terms
        ("beach OR sunset", [1, 3, 4, 8]),
        ("cat OR 花 OR grandma", [2, 6, 7]),
        ("NOT animal", _others(1, 2, 3)),
        ("NOT cat", _others(2)),  # includes photo 6 (rejected cat) and untagged photos
        ("NOT NOT dog", [1, 3]),
        ("(dog OR cat) AND NOT indoor", [1, 3]),
        ("animal NOT dog", [2]),
        ("NOT (beach OR animal)", [5, 6, 7, 9]),
        ("NOT beach NOT animal", [5, 6, 7, 9]),
        ("beach AND NOT sunset OR cat", [1, 2, 8]),
        ("beach AND NOT (sunset OR cat)", [1, 8]),
        ("dog OR NOT beach", _others(4, 8)),
        ("NOT dog OR NOT beach", _others(1)),
        ("unknown", []),
        ("NOT unknown", ALL),
        ("beach OR unknown", [1, 4, 8]),
        ("beach AND unknown", []),
        ("beach AND NOT unknown", [1, 4, 8]),
        ("NOT (unknown OR NOT beach)", [1, 4, 8]),
        ("unknown OR NOT unknown", ALL),
    ],
)
def test_search(
    library: tuple[Library, dict[int, int]], search: Search, query: str, expected: list[int]
) -> None:
    lib, ids = library
    assert search(lib, query) == [ids[n] for n in expected]


def test_search_limit(library: tuple[Library, dict[int, int]], search: Search) -> None:
    lib, ids = library
    assert search(lib, "beach OR sunset", limit=2) == [ids[1], ids[3]]
    assert search(lib, "NOT animal", limit=1) == [ids[4]]


def test_search_syntax_error_reaches_caller(library: tuple[Library, dict[int, int]]) -> None:
    lib, _ = library
    with pytest.raises(QuerySyntaxError, match="unmatched"):
        lib.search("(beach")


def test_rejecting_then_confirming_again_matches_again(
    library: tuple[Library, dict[int, int]], search: Search
) -> None:
    lib, ids = library
    assert search(lib, "cat") == [ids[2]]
    lib.set_user_tag([ids[6]], "cat", "confirmed")
    assert search(lib, "cat") == [ids[2], ids[6]]


@pytest.mark.parametrize(
    "query",
    ["beach", "animal", "beach sunset", "beach OR dog", "(dog OR cat) AND NOT indoor", "NOT cat"],
)
def test_queries_use_the_visible_rows_index(
    library: tuple[Library, dict[int, int]], query: str
) -> None:
    lib, _ = library
    sql, params = compile_query(parse_query(query), lib.tag_with_descendants)
    plan = " | ".join(row[3] for row in lib.connection.execute("EXPLAIN QUERY PLAN " + sql, params))
    assert "photo_tags_visible" in plan, plan
    assert "SCAN photo_tags" not in plan.replace("USING COVERING INDEX", ""), plan


# -- random queries against a Python model of the same data ------------------------------------

RANDOM_TAGS = [f"t{i}" for i in range(10)]
RANDOM_PARENTS = {"t1": "t0", "t2": "t0", "t3": "t1", "t5": "t4"}


def _random_query(rng: random.Random, depth: int = 0) -> str:
    roll = rng.random()
    if depth >= 3 or roll < 0.35:
        return rng.choice([*RANDOM_TAGS, "nosuchtag"])
    if roll < 0.5:
        return "NOT " + _random_query(rng, depth + 1)
    operator = rng.choice([" AND ", " OR ", " "])
    parts = [_random_query(rng, depth + 1) for _ in range(rng.randint(2, 3))]
    return "(" + operator.join(parts) + ")"


def _model_matches(query: Node, visible: set[str]) -> bool:
    """The query's meaning, written independently of the SQL: hierarchy, then boolean logic."""
    if isinstance(query, Term):
        return any(_descends_from(tag, query.name) for tag in visible)
    if isinstance(query, Not):
        return not _model_matches(query.child, visible)
    if isinstance(query, And):
        return all(_model_matches(child, visible) for child in query.children)
    return any(_model_matches(child, visible) for child in query.children)


def _descends_from(tag: str | None, ancestor: str) -> bool:
    while tag is not None:
        if tag == ancestor:
            return True
        tag = RANDOM_PARENTS.get(tag)
    return False


def test_random_queries_match_a_python_model(tmp_path: Path, search: Search) -> None:
    rng = random.Random(1234)
    lib = Library(open_database(tmp_path), tmp_path)
    definitions = [TagDefinition(name, parent=RANDOM_PARENTS.get(name)) for name in RANDOM_TAGS]
    tag_ids = lib.sync_tag_definitions(definitions)
    folder = lib.add_folder(tmp_path)
    visible: dict[int, set[str]] = {}
    rejected: list[tuple[int, str]] = []
    with lib.transaction() as db:
        for number in range(150):
            photo_id = lib.insert_photo(db, PhotoRecord(f"/p/{number}.jpg", folder, 1, 1))
            names = rng.sample(RANDOM_TAGS, rng.randint(0, 4))
            lib.apply_model_tags(db, photo_id, [(tag_ids[n], 0.5) for n in names], "v1", None)
            visible[photo_id] = set(names)
            for name in names:
                if rng.random() < 0.2:
                    rejected.append((photo_id, name))
    for photo_id, name in rejected:
        lib.set_user_tag([photo_id], name, "rejected")
        visible[photo_id].discard(name)
    for _ in range(300):
        text = _random_query(rng)
        tree = parse_query(text)
        expected = [pid for pid in sorted(visible) if _model_matches(tree, visible[pid])]
        assert search(lib, text) == expected, text
    lib.close()


def test_huge_queries_fall_back_to_one_grouped_scan(tmp_path: Path) -> None:
    """More terms than SQLite allows arms in one compound SELECT (500) still work."""
    lib = Library(open_database(tmp_path), tmp_path)
    names = [f"t{i}" for i in range(600)]
    tag_ids = lib.sync_tag_definitions([TagDefinition(name) for name in names])
    folder = lib.add_folder(tmp_path)
    with lib.transaction() as db:
        photos = [lib.insert_photo(db, PhotoRecord(f"/p/{i}.jpg", folder, 1, 1)) for i in range(3)]
        lib.apply_model_tags(db, photos[0], [(tag_ids["t0"], 1.0)], "v1", None)
        lib.apply_model_tags(db, photos[1], [(tag_ids["t599"], 1.0)], "v1", None)
    any_of = " OR ".join(names)
    sql, _ = compile_query(parse_query(any_of), lib.tag_with_descendants)
    assert "GROUP BY" in sql
    for search in (_sql_search, Library.search):
        assert search(lib, any_of) == photos[:2]
        assert search(lib, f"NOT ({any_of})") == photos[2:]
        assert search(lib, " ".join(names)) == []
    lib.close()


def test_tag_with_a_large_subtree(tmp_path: Path, search: Search) -> None:
    lib = Library(open_database(tmp_path), tmp_path)
    kinds = [TagDefinition(f"kind{i}", parent="thing") for i in range(40)]
    tag_ids = lib.sync_tag_definitions([TagDefinition("thing"), TagDefinition("red"), *kinds])
    folder = lib.add_folder(tmp_path)
    with lib.transaction() as db:
        photos = [lib.insert_photo(db, PhotoRecord(f"/p/{i}.jpg", folder, 1, 1)) for i in range(4)]
        lib.apply_model_tags(db, photos[0], [(tag_ids["kind3"], 1.0)], "v1", None)
        lib.apply_model_tags(
            db, photos[1], [(tag_ids["kind39"], 1.0), (tag_ids["red"], 1.0)], "v1", None
        )
        lib.apply_model_tags(db, photos[2], [(tag_ids["red"], 1.0)], "v1", None)
    assert search(lib, "thing") == photos[:2]
    assert search(lib, "thing red") == [photos[1]]
    assert search(lib, "NOT thing") == photos[2:]
    assert search(lib, "red OR thing") == photos[:3]
    lib.close()


# -- the bitmaps behind Library.search follow every change, made anywhere ----------------------


def test_search_follows_changes_made_through_another_connection(tmp_path: Path) -> None:
    """Library.search keeps each tag's photos in memory; another process's edits (a second
    connection to the same file) must show at the next search, whatever kind of edit."""
    lib = Library(open_database(tmp_path / "lib"), tmp_path / "lib")
    tag_ids = lib.sync_tag_definitions([TagDefinition("cat"), TagDefinition("dog")])
    folder = lib.add_folder(tmp_path)
    with lib.transaction() as db:
        photos = [lib.insert_photo(db, PhotoRecord(f"/p/{i}.jpg", folder, 1, 1)) for i in range(4)]
        lib.apply_model_tags(db, photos[0], [(tag_ids["cat"], 0.9)], "v1", None)
        lib.apply_model_tags(db, photos[1], [(tag_ids["cat"], 0.9)], "v1", None)
        lib.apply_model_tags(db, photos[2], [(tag_ids["dog"], 0.9)], "v1", None)
    assert lib.search("cat") == photos[:2]
    assert lib.search("NOT cat") == photos[2:]
    other = Library(open_database(tmp_path / "lib"), tmp_path / "lib")

    other.set_user_tag([photos[1]], "cat", "rejected")
    assert lib.search("cat") == [photos[0]]
    other.set_user_tag([photos[3]], "cat", "confirmed")
    assert lib.search("cat") == [photos[0], photos[3]]

    with other.transaction() as db:
        added = other.insert_photo(db, PhotoRecord("/p/new.jpg", folder, 1, 1))
    assert lib.search("NOT cat") == [photos[1], photos[2], added]
    with other.transaction() as db:
        other.delete_photos(db, [photos[0]])
    assert lib.search("cat") == [photos[3]]
    assert lib.search("NOT dog") == [photos[1], photos[3], added]

    merge_tags(other, "dog", "cat")
    assert lib.search("cat") == [photos[2], photos[3]]
    delete_tag(other, "cat")
    assert lib.search("NOT cat") == [photos[1], photos[2], photos[3], added]
    # A new tag can get the id of the deleted one; its photos are its own.
    with other.transaction() as db:
        reborn = other.ensure_tag(db, "cat", "user")
    assert reborn in tag_ids.values()
    other.set_user_tag([added], "cat", "confirmed")
    assert lib.search("cat") == [added]
    other.close()
    lib.close()


def test_search_stays_right_when_bitmaps_are_dropped(tmp_path: Path) -> None:
    """With no room for bitmaps, each search reads the tags it names again: same answers."""
    lib = Library(open_database(tmp_path), tmp_path, TagSets(budget_bytes=0))
    tag_ids = lib.sync_tag_definitions([TagDefinition(f"t{i}") for i in range(5)])
    folder = lib.add_folder(tmp_path)
    with lib.transaction() as db:
        photos = [lib.insert_photo(db, PhotoRecord(f"/p/{i}.jpg", folder, 1, 1)) for i in range(5)]
        for number, photo_id in enumerate(photos):
            lib.apply_model_tags(db, photo_id, [(tag_ids[f"t{number}"], 0.9)], "v1", None)
    for number, photo_id in enumerate(photos):
        assert lib.search(f"t{number}") == [photo_id]
        assert lib.search(f"t{number} OR t{(number + 1) % 5}") == sorted(
            [photo_id, photos[(number + 1) % 5]]
        )
    assert lib.search("NOT t0 NOT t1") == photos[2:]
    lib.close()


# -- the album's order for a query: SQLite sorts few matches, many are kept while walking -------


@pytest.mark.parametrize("sort_cost", [10**9, 0], ids=["walk the order", "sort the matches"])
def test_album_order_and_tag_counts_with_a_query_match_python(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sort_cost: float
) -> None:
    monkeypatch.setattr(browse, "SORT_TO_WALK_COST", sort_cost)
    monkeypatch.setattr(browse, "_WALK_CHUNK", 7)  # several chunks even for a small library
    rng = random.Random(99)
    lib = Library(open_database(tmp_path), tmp_path)
    definitions = [TagDefinition(name, parent=RANDOM_PARENTS.get(name)) for name in RANDOM_TAGS]
    tag_ids = lib.sync_tag_definitions(definitions)
    folder = lib.add_folder(tmp_path)
    photos: dict[int, tuple[str, str | None, set[str]]] = {}
    with lib.transaction() as db:
        for number in rng.sample(range(1000), 120):
            path = f"/p/{rng.choice('ab')}/{rng.choice(['IMG_', 'img_', 'scan '])}{number}.jpg"
            taken = None if rng.random() < 0.3 else f"2020-0{rng.randint(1, 3)}-01T00:00:00"
            photo_id = lib.insert_photo(db, PhotoRecord(path, folder, 1, 1, taken_at=taken))
            names = set(rng.sample(RANDOM_TAGS, rng.randint(0, 4)))
            lib.apply_model_tags(db, photo_id, [(tag_ids[n], 0.5) for n in names], "v1", None)
            photos[photo_id] = (path, taken, names)

    def in_python(order: browse.SortOrder, matching: list[int]) -> list[int]:
        dated = sorted((i for i in matching if photos[i][1]),
                       key=lambda i: (photos[i][1], photos[i][0]))
        undated = sorted((i for i in matching if not photos[i][1]),
                         key=lambda i: (natural_sort_key(photos[i][0]), i))
        by_name = sorted(matching, key=lambda i: (natural_sort_key(photos[i][0]), i))
        return {
            browse.SortOrder.DATE_TAKEN: dated + undated,
            browse.SortOrder.DATE_NEWEST: dated[::-1] + undated[::-1],
            browse.SortOrder.NAME: by_name,
            browse.SortOrder.NAME_DESCENDING: by_name[::-1],
        }[order]

    for text in ("t0", "t1 OR t2", "NOT t3", "t0 AND NOT t1", "nosuchtag", "NOT nosuchtag"):
        tree = parse_query(text)
        for folder in (None, Path("/p/a")):
            matching = [
                i for i in sorted(photos)
                if _model_matches(tree, photos[i][2])
                and (folder is None or photos[i][0].startswith("/p/a/"))
            ]
            selection = browse.Filter(query=text, folder=folder)
            for order in browse.SortOrder:
                expected = in_python(order, matching)
                assert browse.photo_ids(lib, selection, order) == expected, (text, order)
                for limit in (1, 5, len(expected) // 2 + 1, len(expected) + 3):
                    assert browse.photo_ids(lib, selection, order, limit=limit) == expected[:limit]
            # The tag panel's counts for the same selection, from the bitmaps and in SQL.
            counts = browse.tag_counts(lib, selection)
            assert counts == browse._tag_counts_in_sql(lib, selection)
            visible = {name: sum(name in photos[i][2] for i in matching) for name in RANDOM_TAGS}
            assert {c.name: c.count for c in counts} == {n: c for n, c in visible.items() if c}
    lib.close()


def test_bitmaps_stay_within_their_budget(tmp_path: Path) -> None:
    """The tag panel's counts for a query that matches nothing, or only low ids, must not
    load a bitmap of every tag past the budget; too many tags for it: counted in SQL."""
    tag_sets = TagSets(budget_bytes=300)  # room for 2 bitmaps of 1,000 photos, not 30
    lib = Library(open_database(tmp_path), tmp_path, tag_sets)
    names = [f"t{i}" for i in range(30)]
    tag_ids = lib.sync_tag_definitions([TagDefinition(name) for name in names])
    folder = lib.add_folder(tmp_path)
    with lib.transaction() as db:
        photos = [lib.insert_photo(db, PhotoRecord(f"/p/{i}.jpg", folder, 1, 1))
                  for i in range(1000)]
        for number, photo_id in enumerate(photos):
            lib.apply_model_tags(db, photo_id, [(tag_ids[names[number % 30]], 0.9)], "v1", None)
    for query in ("nosuchtag", "t0 AND t1", "t3"):
        selection = browse.Filter(query=query)
        assert browse.tag_counts(lib, selection) == browse._tag_counts_in_sql(lib, selection)
        cached = sum(bitmap.nbytes for _count, bitmap in tag_sets._cached.values())
        assert cached <= 300, (query, cached)
    assert lib.visible_tag_counts(lib.query_mask("nosuchtag")) == {}
    assert lib.visible_tag_counts(lib.query_mask("t3")) is None  # 30 bitmaps: SQL counts
    lib.close()


def test_search_inside_a_transaction_sees_it_and_keeps_nothing_of_it(tmp_path: Path) -> None:
    lib = Library(open_database(tmp_path), tmp_path)
    tag_ids = lib.sync_tag_definitions([TagDefinition("cat")])
    folder = lib.add_folder(tmp_path)
    with lib.transaction() as db:
        photos = [lib.insert_photo(db, PhotoRecord(f"/p/{i}.jpg", folder, 1, 1)) for i in range(3)]
        lib.apply_model_tags(db, photos[0], [(tag_ids["cat"], 0.9)], "v1", None)
    with lib.read_snapshot():
        assert lib.search("cat") == photos[:1]
    try:
        with lib.transaction() as db:
            lib.apply_model_tags(db, photos[1], [(tag_ids["cat"], 0.9)], "v1", None)
            assert lib.search("cat") == photos[:2]  # its own uncommitted change
            raise RuntimeError("roll back")
    except RuntimeError:
        pass
    # Another change brings the tag's count to where the rolled-back one had it: the answer
    # is the committed photos', not the bitmap read inside the transaction.
    lib.set_user_tag([photos[2]], "cat", "confirmed")
    assert lib.search("cat") == [photos[0], photos[2]]
    lib.close()


def test_bitmaps_read_from_another_library_file_are_not_reused(tmp_path: Path) -> None:
    """A library file replaced under a running process: same tag ids and change counts,
    other photos."""
    shared = TagSets()
    answers = []
    for name, tagged in (("first", 0), ("second", 1)):
        lib = Library(open_database(tmp_path / name), tmp_path / name, shared)
        tag_ids = lib.sync_tag_definitions([TagDefinition("cat")])
        folder = lib.add_folder(tmp_path)
        with lib.transaction() as db:
            photos = [lib.insert_photo(db, PhotoRecord(f"/p/{i}.jpg", folder, 1, 1))
                      for i in range(2)]
            lib.apply_model_tags(db, photos[tagged], [(tag_ids["cat"], 0.9)], "v1", None)
        answers.append((lib.search("cat"), [photos[tagged]]))
        lib.close()
    assert [found for found, _ in answers] == [want for _, want in answers]
