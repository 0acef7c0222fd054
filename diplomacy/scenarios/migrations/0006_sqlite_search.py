"""SQLite only: an FTS5 index of the scenarios' text with the porter stemmer, kept in step by triggers.

It indexes what PostgreSQL's search vector does (title, narrative, signposts, implications,
rationale) and is queried by diplomacy/scenarios/search.py. PostgreSQL keeps its tsvector
column and GIN index (migrations 0003 and 0004); there this migration does nothing.

Why external content (content='scenarios_scenario'): the index keeps only its inverted index and
reads the text from the scenarios table when snippet() asks for it, so no text is stored twice.
A contentless index (content='') cannot make snippets; a plain one would hold a second copy of
every scenario. The price is that the index must be told exactly what it had indexed when a row
changes or goes, which the triggers do from OLD, in the same statement as the write: save(),
bulk_create, queryset.update() and delete() all stay in step, whoever runs them.

Dropping a table drops its triggers, and Django remakes a SQLite table (create, copy, drop,
rename) for most schema changes: a later migration that alters scenarios_scenario must create
TRIGGERS again and then REBUILD (tests/scenarios/test_search.py fails while they are missing).
"""

from django.db import migrations

# ruff: noqa: S608 (the SQL is built from the constants below; nothing comes from outside)

INDEX = "scenarios_scenario_search"
COLUMNS = "title, narrative, signposts, implications, likelihood_rationale"
OLD = "old.id, old.title, old.narrative, old.signposts, old.implications, old.likelihood_rationale"
NEW = "new.id, new.title, new.narrative, new.signposts, new.implications, new.likelihood_rationale"

CREATE = f"""
CREATE VIRTUAL TABLE {INDEX} USING fts5(
    {COLUMNS},
    content='scenarios_scenario', content_rowid='id',
    tokenize='porter unicode61 remove_diacritics 2'
)"""
TRIGGERS = {
    f"{INDEX}_insert": f"""
CREATE TRIGGER IF NOT EXISTS {INDEX}_insert AFTER INSERT ON scenarios_scenario BEGIN
    INSERT INTO {INDEX}(rowid, {COLUMNS}) VALUES ({NEW});
END""",
    f"{INDEX}_delete": f"""
CREATE TRIGGER IF NOT EXISTS {INDEX}_delete AFTER DELETE ON scenarios_scenario BEGIN
    INSERT INTO {INDEX}({INDEX}, rowid, {COLUMNS}) VALUES ('delete', {OLD});
END""",
    # Only a change to indexed text (or the key) touches the index; a new likelihood does not.
    f"{INDEX}_update": f"""
CREATE TRIGGER IF NOT EXISTS {INDEX}_update
AFTER UPDATE OF id, {COLUMNS} ON scenarios_scenario BEGIN
    INSERT INTO {INDEX}({INDEX}, rowid, {COLUMNS}) VALUES ('delete', {OLD});
    INSERT INTO {INDEX}(rowid, {COLUMNS}) VALUES ({NEW});
END""",
}
# Re-read every row of the content table: how the index is filled from the rows already there.
REBUILD = f"INSERT INTO {INDEX}({INDEX}) VALUES ('rebuild')"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    schema_editor.execute(CREATE)
    for sql in TRIGGERS.values():
        schema_editor.execute(sql)
    schema_editor.execute(REBUILD)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for name in TRIGGERS:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")
    schema_editor.execute(f"DROP TABLE IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("scenarios", "0005_dates")]

    operations = [migrations.RunPython(create_index, drop_index)]
