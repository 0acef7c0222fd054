"""Read, check and load the seed content in seeds/ (the format is in seeds/README.md)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any, cast

import yaml
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Max
from django.utils import timezone

from diplomacy.timeline.models import Development, DevelopmentSource, Revision, SignpostMark

from . import likelihood
from .models import Factor, Influence, Outcome, Scenario, Signpost, Source, Topic
from .pushes import one_way, one_way_problem

DEFAULT_PATH = Path(__file__).resolve().parent.parent.parent / "seeds"


class SeedError(Exception):
    """One or more problems in the seed files; nothing was loaded."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass
class Seed:
    """One object to load: its model, natural key, plain field values and relations."""

    model: type[models.Model]
    key: tuple[str, ...]
    fields: dict[str, Any]
    # Many-to-many relations, set once the object is saved: field name → the keys of the seeds it names.
    related: dict[str, list[str]] = field(default_factory=dict)
    place: str = ""


@dataclass
class SeedSet:
    outcomes: list[Seed] = field(default_factory=list)
    sources: list[Seed] = field(default_factory=list)
    factors: list[Seed] = field(default_factory=list)
    topics: list[Seed] = field(default_factory=list)
    scenarios: list[Seed] = field(default_factory=list)
    influences: list[Seed] = field(default_factory=list)
    developments: list[Seed] = field(default_factory=list)
    developmentsources: list[Seed] = field(default_factory=list)
    signpostmarks: list[Seed] = field(default_factory=list)


@dataclass
class Report:
    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    unchanged: Counter[str] = field(default_factory=Counter)
    skipped: list[str] = field(default_factory=list)

    @property
    def changed_anything(self) -> bool:
        return bool(self.created or self.updated)


def unwrap(text: str) -> str:
    """Join the hard-wrapped lines of each paragraph; paragraphs stay apart by a blank line."""
    paragraphs = re.split(r"\n\s*\n", text.strip())
    return "\n\n".join(" ".join(paragraph.split()) for paragraph in paragraphs)


# What the seed files hold, described once as data; _Reader walks these descriptions.


@dataclass(frozen=True)
class Entry:
    """How to read one key of an item, and where its value goes in the seed."""

    should_be: str  # ends the problem "'order' should be …"; {!r} shows the value found
    accepts: Callable[[Any], bool]
    read: Callable[[Any], Any] = lambda value: value
    instead: Any = None  # stands in for a wrong value, so that the other checks can go on
    optional: bool = False
    absent: Any = None  # what an optional key that is left out counts as
    field: str | None = ""  # the model field it fills: "" for the key's own name, None for none
    names: str = ""  # the kind of seed its value must name, e.g. "outcome"
    verb: str = "names"  # how a problem says it names an unknown one: "cites an unknown source"
    many: bool = False  # a list of keys: a many-to-many relation, set once the object is saved
    once_per_parent: bool = False  # no two items of one parent may name the same seed
    between: tuple[int, int] | None = None  # the smallest and largest number allowed
    items: Kind | None = None  # the kind of the items it lists


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)  # to Python, True is the int 1


def _texts(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


# The kinds of value. An item's entries use them as they are, or adjusted with replace().
TEXT = Entry("text, not {!r}", lambda v: isinstance(v, str) and bool(v.strip()), unwrap, instead="")
BLANK_TEXT = Entry(
    "text, not {!r}", lambda v: v is None or isinstance(v, str), lambda v: unwrap(v or ""), instead="", optional=True
)
DATE = Entry("a date (2025-01-31), not {!r}", lambda v: v is None or isinstance(v, date), optional=True)
NUMBER = Entry("a whole number, not {!r}", _whole)
NULLABLE_NUMBER = Entry("a whole number, not {!r}", lambda v: v is None or _whole(v))
FLAG = Entry("true or false, not {!r}", lambda v: isinstance(v, bool), instead=False, optional=True, absent=True)
SENTENCES = Entry(
    "a list of sentences", lambda v: _texts(v) and bool(v), lambda v: "\n".join(s.strip() for s in v), instead=""
)
ITEMS = Entry("a non-empty list", lambda v: isinstance(v, list) and bool(v), instead=[])
# Left empty, an optional list means none.
SOME_ITEMS = Entry("a list", lambda v: not v or isinstance(v, list), lambda v: v or [], instead=[], optional=True)
SOURCES = Entry(
    "a list of keys", _texts, list, instead=[], optional=True, absent=[], names="source", verb="cites", many=True
)
TOPICS = Entry(
    "a non-empty list of topic slugs", lambda v: _texts(v) and bool(v), list, instead=[], names="topic", many=True
)
PUBLISHED = replace(FLAG, field="is_published")


@dataclass(frozen=True)
class Kind:
    """A kind of seed: its model, its entries in the order they are checked, and how problems call an item."""

    model: type[models.Model]
    item: str  # an item before its key is read: "an outcome"
    entries: dict[str, Entry]  # the first is the key, which tells an item from the others of its parent
    label: str = "{name} '{path}'"  # an item once its key is read: "scenario 'trade/deal'"
    duplicate: str = "{name} {key_name} '{key}'"  # a key used twice: "outcome slug 'good'"
    # On an item and the items it lists, once all are read (with every seed read so far): its problems.
    check: Callable[[Seed, list[Seed], SeedSet], list[str]] | None = None
    shared: dict[str, dict[str, Entry]] = field(default_factory=dict)  # mappings whose fields every item gets
    keys: int = 1  # how many of the first entries make the key
    # Checks what the key names beyond what each entry can (given the parent and the seeds read so
    # far) and returns the key in one spelling, or a problem: a signpost named by text or number.
    resolve: Callable[[tuple[Any, ...], Seed | None, SeedSet], tuple[str, ...] | str] | None = None

    @property
    def name(self) -> str:
        return str(self.model._meta.model_name)

    @property
    def key(self) -> str:
        return next(iter(self.entries))


DOCUMENT = {
    "title": replace(TEXT, field="document_title"),
    "author": BLANK_TEXT,
    "date": replace(DATE, field="document_date"),
}
OUTCOME = Kind(Outcome, "an outcome", {"slug": TEXT, "name": TEXT, "description": BLANK_TEXT, "order": NUMBER})
SOURCE = Kind(Source, "a source", {"key": TEXT, "section": TEXT, "quote": TEXT}, shared={"document": DOCUMENT})
FACTOR = Kind(
    Factor,
    "a factor",
    {
        "slug": TEXT,
        "name": TEXT,
        "description": TEXT,
        "order": NUMBER,
        "sources": SOURCES,
        "weaker": BLANK_TEXT,
        "stronger": BLANK_TEXT,
    },
)
INFLUENCE = Kind(
    Influence,
    "an influence on {parent}",
    {"factor": replace(TEXT, field=None, names="factor"), "strength": NUMBER, "reason": TEXT},
    label="influence of '{key}' on {parent}",
    duplicate="factor '{key}' on {parent}",
)
SCENARIO = Kind(
    Scenario,
    "a scenario of {parent}",
    {
        "slug": TEXT,
        "outcome": replace(TEXT, field="outcome_slug", names="outcome", once_per_parent=True),
        "signposts": SENTENCES,
        "likelihood": replace(NULLABLE_NUMBER, between=(0, likelihood.FULL)),
        "title": TEXT,
        "narrative": TEXT,
        "implications": TEXT,
        "rationale": replace(BLANK_TEXT, field="likelihood_rationale"),
        "published": PUBLISHED,
        "sources": SOURCES,
        "influences": replace(SOME_ITEMS, items=INFLUENCE),
    },
)


def _topic_problems(topic: Seed, scenarios: list[Seed], found: SeedSet) -> list[str]:
    """What is wrong with a topic as a whole: its estimates as a distribution, and factors that push
    all of its outcomes the same way (which would change nothing, see pushes.one_way)."""
    problems = [likelihood.distribution_problem(scenario.fields["likelihood"] for scenario in scenarios)]
    keys = {scenario.key for scenario in scenarios}
    strengths: dict[str, list[int | None]] = {}
    for influence in found.influences:
        if influence.key[:2] in keys:
            strengths.setdefault(influence.key[2], []).append(influence.fields["strength"])
    title = topic.fields["title"] or topic.key[0]
    for factor, values in strengths.items():
        if direction := one_way(values, len(scenarios)):
            problems.append(one_way_problem(f"factor '{factor}'", title, direction))
    return [problem for problem in problems if problem]


TOPIC = Kind(
    Topic,
    "the topic",
    {
        "slug": TEXT,
        "title": TEXT,
        "summary": TEXT,
        "background": TEXT,
        "stakes": TEXT,
        "us_position": TEXT,
        "russia_position": TEXT,
        "order": NUMBER,
        "published": PUBLISHED,
        "sources": SOURCES,
        "scenarios": replace(ITEMS, items=SCENARIO),
    },
    check=_topic_problems,
)


def _signpost(key: tuple[Any, ...], development: Seed | None, found: SeedSet) -> tuple[str, ...] | str:
    """A marked signpost as topic, scenario and number (1 for the first), however the file names it."""
    topic, slug, signpost = key
    if development and topic not in development.related.get("topics", []):
        return f"names topic '{topic}', which {development.place} is not about (add it to its topics)"
    scenario = next((seed for seed in found.scenarios if seed.key == (topic, slug)), None)
    if scenario is None:
        return f"names an unknown scenario '{topic}/{slug}'"
    lines = scenario.fields["signposts"].split("\n")
    number = signpost if _whole(signpost) else lines.index(signpost) + 1 if signpost in lines else 0
    if not 1 <= number <= len(lines):
        return f"names signpost {signpost!r}, which scenario '{topic}/{slug}' does not have (it has {len(lines)})"
    return topic, slug, str(number)


DEVELOPMENT_SOURCE = Kind(
    DevelopmentSource,
    "a source of {parent}",
    {
        "title": TEXT,
        "publisher": TEXT,
        "date": replace(DATE, field="published_on"),
        "url": BLANK_TEXT,
        "quote": TEXT,
    },
    label="source '{key}' of {parent}",
    duplicate="source '{key}' of {parent}",
)
SIGNPOST_MARK = Kind(
    SignpostMark,
    "a signpost mark of {parent}",
    {
        "topic": replace(TEXT, field=None, names="topic"),
        "scenario": replace(TEXT, field=None),
        "signpost": Entry(
            "a signpost's text or its number (1 for the first), not {!r}",
            lambda v: _whole(v) or (isinstance(v, str) and bool(v.strip())),
            lambda v: v if _whole(v) else v.strip(),
            instead="",
            field=None,
        ),
        "state": TEXT,
        "why": replace(TEXT, field="note"),
    },
    label="mark of signpost '{key}' by {parent}",
    duplicate="signpost '{key}' marked by {parent}",
    keys=3,
    resolve=_signpost,
)
DEVELOPMENT = Kind(
    Development,
    "a development",
    {
        "slug": TEXT,
        "title": TEXT,
        "date": replace(DATE, field="happened_on", accepts=lambda v: isinstance(v, date), optional=False),
        "summary": TEXT,
        "topics": TOPICS,
        "published": PUBLISHED,
        "sources": replace(ITEMS, items=DEVELOPMENT_SOURCE),
        "signposts": replace(SOME_ITEMS, items=SIGNPOST_MARK),
    },
)
# Each file, the key that lists its items ("" when the file is one item), and their kind; in
# this order, because a file may only name seeds that are read before it.
FILES = (
    ("outcomes.yaml", "outcomes", OUTCOME),
    ("sources.yaml", "sources", SOURCE),
    ("factors.yaml", "factors", FACTOR),
    ("topics/*.yaml", "", TOPIC),
    ("developments.yaml", "developments", DEVELOPMENT),
)
# How seeds name the objects they relate to, by model: a source by its key, a topic by its slug.
NATURAL_KEYS: dict[type[models.Model], str] = {kind.model: kind.key for kind in (OUTCOME, SOURCE, FACTOR, TOPIC)}


class _Mapping(dict[Any, Any]):
    """A YAML mapping that remembers the line it starts on."""

    line = 0


class _LineLoader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> Iterator[_Mapping]:
    mapping = _Mapping()
    mapping.line = node.start_mark.line + 1
    yield mapping
    mapping.update(loader.construct_mapping(node))


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


class _Reader:
    """Reads the seed files along their descriptions, collecting every seed and every problem."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self.file = ""  # the file being read, as problems name it
        self.problems: list[str] = []
        self.places: dict[tuple[str, ...], str] = {}  # where each item was read, by kind and key
        self.found = SeedSet()

    def problem(self, where: Any, text: str) -> None:
        line = getattr(where, "line", 0)
        self.problems.append(f"{self.file}, line {line}: {text}" if line else f"{self.file}: {text}")

    def read(self, name: str, under: str, kind: Kind) -> None:
        for data in self.load(name, kind):
            if not under:  # the file is the item
                self.item(kind, data)
            elif self.mapping(data, name, {under, *kind.shared}) and (shared := self.shared(data, kind)) is not None:
                for item in self.value(data, under, ITEMS, name):
                    self.item(kind, item, shared=shared)

    def load(self, name: str, kind: Kind) -> Iterator[Any]:
        """The data of each file the name matches, skipping those missing, empty or not valid YAML."""
        paths = sorted(self.base.glob(name)) if "*" in name else [self.base / name]
        if not paths:
            pattern = Path(name)
            self.problems.append(f"{self.base.name}/{pattern.parent}: no {kind.name} files ({pattern.name}) found")
        for path in paths:
            root = self.base.parent
            self.file = str(path.relative_to(root)) if path.is_relative_to(root) else str(path)
            if not path.exists():
                self.problems.append(f"{self.file}: file not found")
                continue
            try:
                data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LineLoader)  # noqa: S506 (safe loader)
            except yaml.MarkedYAMLError as error:
                mark = error.problem_mark
                where = f", line {mark.line + 1}, column {mark.column + 1}" if mark else ""
                self.problems.append(f"{self.file}{where}: not valid YAML: {error.problem}")
            except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
                self.problems.append(f"{self.file}: cannot be read: {error}")
            else:
                if data is not None:
                    yield data

    def shared(self, data: _Mapping, kind: Kind) -> dict[str, Any] | None:
        """The fields every item gets from the mappings beside their list; None if one is unreadable."""
        fields: dict[str, Any] = {}
        for name, entries in kind.shared.items():
            if not self.mapping(data[name], f"the {name}", entries, where=data):
                return None
            fields |= {
                entry.field or key: self.value(data[name], key, entry, f"the {name}") for key, entry in entries.items()
            }
        return fields

    def item(
        self, kind: Kind, data: Any, parent: Seed | None = None, shared: dict[str, Any] | None = None
    ) -> Seed | None:
        """Check one item and the items it lists; its seed, or None if it is too broken to name."""
        words = {"name": kind.name, "key_name": kind.key, "parent": parent.place if parent else ""}
        what = kind.item.format(**words)
        if not self.mapping(data, what, kind.entries):
            return None
        found_before = len(self.problems)
        named = {name: self.value(data, name, entry, what) for name, entry in list(kind.entries.items())[: kind.keys]}
        key: tuple[Any, ...] = tuple(named.values())
        if kind.resolve and len(self.problems) == found_before:
            resolved = kind.resolve(key, parent, self.found)
            if isinstance(resolved, str):
                self.problem(data, f"{what} {resolved}")
            else:
                key = resolved
        path = (*(parent.key if parent else ()), *map(str, key))
        words |= {"key": "/".join(map(str, key)), "path": "/".join(path)}
        if self.duplicate((kind.name, *path), data, kind.duplicate.format(**words)):
            return None
        seed = Seed(kind.model, path, dict(shared or {}), place=kind.label.format(**words))
        for name, entry in kind.entries.items():
            if entry.items:
                continue  # the items listed are read after their parent, whose seed they need
            value = named[name] if name in named else self.value(data, name, entry, seed.place, parent)
            if entry.many:
                seed.related[entry.field or name] = value
            elif entry.field is not None:
                seed.fields[entry.field or name] = value
        self.check_model(kind, seed, data)
        getattr(self.found, f"{kind.name}s").append(seed)  # SeedSet names its lists after the kinds
        listed = [
            child
            for name, entry in kind.entries.items()
            if entry.items
            for item in self.value(data, name, entry, seed.place)
            if (child := self.item(entry.items, item, seed))
        ]
        for problem in kind.check(seed, listed, self.found) if kind.check else ():
            self.problem(data, f"{seed.place}: {problem}")
        return seed

    def mapping(self, data: Any, what: str, keys: Collection[str] | dict[str, Entry], where: Any = None) -> bool:
        """Whether data is a mapping that has every key not marked optional; unknown keys are reported but pass."""
        if not isinstance(data, dict):
            self.problem(where, f"{what} should be a mapping of keys to values")
            return False
        optional = {key for key, entry in keys.items() if entry.optional} if isinstance(keys, dict) else set()
        missing = sorted(set(keys) - optional - data.keys())
        for key in missing:
            self.problem(data, f"{what} is missing '{key}'")
        for key in sorted(data.keys() - set(keys)):
            self.problem(data, f"{what} has an unknown key '{key}'")
        return not missing

    def value(self, data: _Mapping, name: str, entry: Entry, what: str, parent: Seed | None = None) -> Any:
        """One key's value, checked for its type, its range and the seeds it names."""
        value = data.get(name, entry.absent)
        if entry.accepts(value):
            value = entry.read(value)
        else:
            self.problem(data, f"{what}: '{name}' should be {entry.should_be.format(value)}")
            value = entry.instead
        if entry.between and value is not None and not entry.between[0] <= value <= entry.between[1]:
            self.problem(data, f"{what}: {name} {value} is not between {entry.between[0]} and {entry.between[1]}")
            value = entry.instead
        if entry.names:
            # A single key left blank has been reported already; a list of keys has no blank to skip.
            named = value if isinstance(value, list) else [value] if value else []
            unknown = [key for key in named if (entry.names, key) not in self.places]
            for key in unknown:
                self.problem(data, f"{what} {entry.verb} an unknown {entry.names} '{key}'")
            if entry.once_per_parent and parent and not unknown:
                self.duplicate(("once", name, *parent.key, value), data, f"{name} '{value}' in {parent.place}")
        return value

    def duplicate(self, key: tuple[str, ...], where: Any, what: str) -> bool:
        """Whether the key was read before (a problem); if not, remember where it is."""
        if key in self.places:
            self.problem(where, f"{what} is used twice (first at {self.places[key]})")
            return True
        self.places[key] = f"{self.file}, line {getattr(where, 'line', '?')}"
        return False

    def check_model(self, kind: Kind, seed: Seed, data: _Mapping) -> None:
        """Run the model's own field validation (lengths, slugs, ranges, choices); problems name the file's keys."""
        entries = [kind.entries, *kind.shared.values()]
        keys = {entry.field or key: key for group in entries for key, entry in group.items() if entry.field is not None}
        names = {model_field.name for model_field in seed.model._meta.fields}
        instance = seed.model(**{name: value for name, value in seed.fields.items() if name in names})
        try:
            # Ids, timestamps and relations are not in the files: they are set on loading.
            instance.clean_fields(exclude=list(names - seed.fields.keys()))
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                for message in dict.fromkeys(messages):  # a URL field's two validators may say the same
                    self.problem(data, f"{seed.place}: {keys.get(name, name)}: {message}")


def read_seeds(path: Path = DEFAULT_PATH) -> SeedSet:
    """Read and check every seed file, before anything is loaded; raise SeedError listing all problems found."""
    reader = _Reader(path)
    for name, under, kind in FILES:
        reader.read(name, under, kind)
    if reader.problems:
        raise SeedError(reader.problems)
    return reader.found


def _related(model: type[models.Model], name: str, keys: list[str]) -> models.QuerySet[Any]:
    """The objects a many-to-many field of the model should hold, found by the keys seeds name them by."""
    target = cast(type[models.Model], model._meta.get_field(name).related_model)
    return target._default_manager.filter(**{f"{NATURAL_KEYS[target]}__in": keys})


def _differs(instance: models.Model, seed: Seed) -> bool:
    if any(getattr(instance, name) != value for name, value in seed.fields.items()):
        return True
    return any(
        set(getattr(instance, name).values_list(NATURAL_KEYS[getattr(instance, name).model], flat=True)) != set(keys)
        for name, keys in seed.related.items()
    )


def _save(
    seed: Seed, lookup: dict[str, Any], update: bool, report: Report, on_create: dict[str, Any] | None = None
) -> models.Model:
    """Create the object (with `on_create` too), or update it if asked to; leave a changed one alone otherwise."""
    label = str(seed.model._meta.verbose_name_plural)
    plain = {name: value for name, value in seed.fields.items() if name not in lookup}
    instance = seed.model._default_manager.filter(**lookup).order_by("pk").first()
    if instance is None:
        instance = seed.model._default_manager.create(**lookup, **plain, **(on_create or {}))
        report.created[label] += 1
    elif not _differs(instance, replace(seed, fields=plain)):
        report.unchanged[label] += 1
        return instance
    elif update:
        for name, value in plain.items():
            setattr(instance, name, value)
        instance.save()
        report.updated[label] += 1
    else:
        report.skipped.append(f"{seed.place}: differs from its seed (changed by an editor?); --update overwrites it")
        return instance
    for name, keys in seed.related.items():
        getattr(instance, name).set(_related(seed.model, name, keys))
    return instance


def _as_of(dates: Iterable[date | None]) -> datetime | None:
    """A seeded estimate is as of the newest document it rests on (None: the time it is loaded)."""
    newest = max((d for d in dates if d is not None), default=None)
    return datetime.combine(newest, time(12), tzinfo=UTC) if newest else None


@transaction.atomic
def load_seeds(seeds: SeedSet, update: bool = False) -> Report:
    """Write the checked seeds to the database in one transaction."""
    report = Report()
    outcomes = {s.key[0]: _save(s, {"slug": s.key[0]}, update, report) for s in seeds.outcomes}
    for seed in seeds.sources:
        _save(seed, {"key": seed.key[0]}, update, report)
    factors = {s.key[0]: _save(s, {"slug": s.key[0]}, update, report) for s in seeds.factors}
    topics = {s.key[0]: _save(s, {"slug": s.key[0]}, update, report) for s in seeds.topics}
    dated = {s.key[0]: s.fields.get("document_date") for s in seeds.sources}
    scenarios: dict[tuple[str, ...], Scenario] = {}
    for seed in seeds.scenarios:
        fields = dict(seed.fields)
        fields["outcome"] = outcomes[fields.pop("outcome_slug")]
        topic = topics[seed.key[0]]
        scenarios[seed.key] = cast(
            Scenario,
            _save(
                replace(seed, fields=fields),
                {"topic": topic, "slug": seed.key[1]},
                update,
                report,
                on_create={"estimated_at": _as_of(dated.get(key) for key in seed.related.get("sources", ()))},
            ),
        )
        _sync_signposts(scenarios[seed.key])
    for seed in seeds.influences:
        topic_slug, scenario_slug, factor_slug = seed.key
        lookup = {"scenario": scenarios[(topic_slug, scenario_slug)], "factor": factors[factor_slug]}
        _save(seed, lookup, update, report)
    developments = {s.key[0]: _save(s, {"slug": s.key[0]}, update, report) for s in seeds.developments}
    for seed in seeds.developmentsources:
        _save(seed, {"development": developments[seed.key[0]], "title": seed.key[1]}, update, report)
    lines = {s.key: s.fields["signposts"].split("\n") for s in seeds.scenarios}
    for seed in seeds.signpostmarks:
        slug, topic_slug, scenario_slug, number = seed.key
        index = int(number) - 1
        items = list(scenarios[(topic_slug, scenario_slug)].signpost_items.order_by("order", "pk"))
        if index >= len(items) or items[index].text != lines[(topic_slug, scenario_slug)][index]:
            report.skipped.append(f"{seed.place}: the signpost is no longer as seeded (changed by an editor?)")
            continue
        _save(seed, {"development": developments[slug], "signpost": items[index]}, update, report)
    for topic in topics.values():
        as_of = Scenario.objects.filter(topic_id=topic.pk).aggregate(newest=Max("estimated_at"))["newest"]
        if Revision.snapshot(cast(Topic, topic), as_of=(as_of or timezone.now()).date(), reason=SEEDED):
            report.created["revisions"] += 1
    return report


SEEDED = "The editors' illustrative estimates in the seed files, dated at the article they rest on."


def _sync_signposts(scenario: Scenario) -> None:
    """Make its Signpost items say what its signposts text says, item by item (keeping their marks)."""
    lines, items = scenario.signpost_list, list(scenario.signpost_items.all())
    if [item.text for item in items] == lines:
        return
    for order, line in enumerate(lines):
        if order < len(items):
            if items[order].text != line:
                Signpost.objects.filter(pk=items[order].pk).update(text=line, order=order)
        else:
            Signpost.objects.bulk_create([Signpost(scenario=scenario, text=line, order=order)])
    Signpost.objects.filter(pk__in=[item.pk for item in items[len(lines) :]]).delete()
    scenario.index_signposts()
