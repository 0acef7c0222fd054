"""Full-text search of scenarios on SQLite: FTS5 with the porter stemmer, ranked by bm25, with snippets.

The index (migration 0006) covers the same fields as PostgreSQL's search vector, with bm25 column
weights in the proportions of its weights A–D, so that both databases find and rank alike.
"""

from __future__ import annotations

import re
from typing import Any

from django.db.models import F, FloatField, Func, QuerySet, TextField
from django.db.models.expressions import RawSQL

INDEX = "scenarios_scenario_search"
# The index's columns in their order, each with its bm25 weight: PostgreSQL's A 1.0, B 0.4, C 0.2, D 0.1, times 10.
WEIGHTS = {"title": 10.0, "narrative": 4.0, "signposts": 2.0, "implications": 2.0, "likelihood_rationale": 1.0}
# The snippet shows the narrative, as PostgreSQL's headline does: up to 30 words around the best match.
SNIPPET_COLUMN = list(WEIGHTS).index("narrative")
SNIPPET_WORDS = 30
ELLIPSIS = " … "
# More words than any reader types, few enough that a pasted page stays a cheap query.
MAX_WORDS = 32
# Control characters: a NUL ends an FTS5 string early (a syntax error) and PostgreSQL refuses it in text.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def clean(text: str) -> str:
    """The reader's text with control characters turned into spaces, safe for either database."""
    return _CONTROL.sub(" ", text)


def fts_query(text: str) -> str:
    """An FTS5 query that each word of `text` must match, in any of its forms.

    Each word is quoted as an FTS5 string (a double quote inside doubled), so nothing a reader
    types is read as FTS5 syntax: AND, NEAR(, *, -, ^ and column filters are plain words. The
    tokenizer splits a word at its punctuation into a phrase ("U.S." finds "U.S."); a word of
    punctuation only is an empty phrase, which FTS5 ignores. No words at all: '""' matches nothing.
    """
    words = clean(text).split()[:MAX_WORDS]
    return " ".join('"' + word.replace('"', '""') + '"' for word in words) or '""'


def matching(scenarios: QuerySet, text: str, *, marks: tuple[str, str]) -> QuerySet:
    """`scenarios` that match `text`, annotated with `rank` (higher is better) and `snippet`
    (the narrative around the matched words, each between the two `marks`)."""
    query = fts_query(text)
    matches = RawSQL(f"SELECT rowid FROM {INDEX} WHERE {INDEX} MATCH %s", (query,))  # noqa: S608, S611 (a parameter)
    return scenarios.filter(pk__in=matches).annotate(rank=_Rank(query), snippet=_Snippet(query, marks))


class _OfRow(Func):
    """A value the index gives the scenario's own row for a query, as a subquery on the row's
    rowid: bm25() and snippet() work only in a SELECT whose FROM is the index and that MATCHes.

    `sql` has %s for its parameters and {pk} for the scenario's key, which Django names (and
    renames, when this query becomes a subquery) like any other column.
    """

    def __init__(self, sql: str, params: tuple[Any, ...], output_field: FloatField | TextField) -> None:
        super().__init__(F("pk"), output_field=output_field)
        self.sql, self.params = sql, params

    def as_sql(
        self,
        compiler: Any,
        connection: Any,
        function: str | None = None,
        template: str | None = None,
        arg_joiner: str | None = None,
        **extra_context: Any,
    ) -> tuple[str, tuple[Any, ...]]:
        pk, pk_params = compiler.compile(self.get_source_expressions()[0])
        return self.sql.format(pk=pk), (*self.params, *pk_params)


class _Rank(_OfRow):
    """Minus bm25 with the column weights, so that higher is better, as with PostgreSQL's ts_rank.

    bm25() reads the whole index's statistics once per query that runs it. So it runs once, for
    every match, in a subquery that the row's lookup only reads from: OFFSET 0 keeps SQLite from
    merging the two (merged, it recomputes the statistics for each row: seconds at 10,000 scenarios).
    """

    def __init__(self, query: str) -> None:
        weights = ", ".join(str(weight) for weight in WEIGHTS.values())
        sql = (
            f"(SELECT score FROM (SELECT rowid AS id, -bm25({INDEX}, {weights}) AS score FROM {INDEX}"  # noqa: S608 (constants; the query is a parameter)
            f" WHERE {INDEX} MATCH %s LIMIT -1 OFFSET 0) WHERE id = {{pk}})"
        )
        super().__init__(sql, (query,), FloatField())


class _Snippet(_OfRow):
    """The narrative around the best match, up to SNIPPET_WORDS words, matched words between `marks`."""

    def __init__(self, query: str, marks: tuple[str, str]) -> None:
        sql = (
            f"(SELECT snippet({INDEX}, {SNIPPET_COLUMN}, %s, %s, %s, {SNIPPET_WORDS}) FROM {INDEX}"  # noqa: S608 (constants; parameters)
            f" WHERE {INDEX} MATCH %s AND rowid = {{pk}})"
        )
        super().__init__(sql, (*marks, ELLIPSIS, query), TextField())
