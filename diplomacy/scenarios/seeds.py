"""Read, check and load the seed content in seeds/ (the format is in seeds/README.md).

Loading is all or nothing: every file is read and checked before anything is
written, and the writing happens in one transaction. An object that exists and
differs from its seed is left alone (an editor may have changed it) unless the
caller asks to update.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.db import models, transaction

from . import likelihood
from .models import Factor, Influence, Outcome, Scenario, Source, Topic

DEFAULT_PATH = Path(__file__).resolve().parent.parent.parent / "seeds"


class SeedError(Exception):
    """One or more problems in the seed files; nothing was loaded."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


class _Mapping(dict):
    """A YAML mapping that remembers the line it starts on."""

    line = 0


class _LineLoader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode):
    mapping = _Mapping()
    mapping.line = node.start_mark.line + 1
    yield mapping
    mapping.update(loader.construct_mapping(node))


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


@dataclass
class Seed:
    """One object to load: its model, natural key, plain field values and relations."""

    model: type[models.Model]
    key: tuple
    fields: dict[str, Any]
    sources: list[str] | None = None
    place: str = ""


@dataclass
class SeedSet:
    outcomes: list[Seed] = field(default_factory=list)
    sources: list[Seed] = field(default_factory=list)
    factors: list[Seed] = field(default_factory=list)
    topics: list[Seed] = field(default_factory=list)
    scenarios: list[Seed] = field(default_factory=list)
    influences: list[Seed] = field(default_factory=list)


@dataclass
class Report:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    skipped: list[str] = field(default_factory=list)

    @property
    def changed_anything(self) -> bool:
        return bool(self.created or self.updated)


class _Reader:
    """Checks the shape of one file's data, collecting every problem it finds."""

    def __init__(self, path: Path, base: Path, problems: list[str]) -> None:
        self.name = str(path.relative_to(base.parent)) if path.is_relative_to(base.parent) else str(path)
        self.problems = problems

    def problem(self, where: Any, text: str) -> None:
        line = getattr(where, "line", 0)
        self.problems.append(f"{self.name}, line {line}: {text}" if line else f"{self.name}: {text}")

    def mapping(self, data: Any, what: str, required: set[str], optional: set[str] = frozenset(), where=None) -> bool:
        if not isinstance(data, dict):
            self.problem(where, f"{what} should be a mapping of keys to values")
            return False
        missing = sorted(required - data.keys())
        unknown = sorted(data.keys() - required - optional)
        for key in missing:
            self.problem(data, f"{what} is missing '{key}'")
        for key in unknown:
            self.problem(data, f"{what} has an unknown key '{key}'")
        return not missing

    def items(self, data: dict, key: str, what: str) -> list:
        value = data.get(key)
        if not isinstance(value, list) or not value:
            self.problem(data, f"{what}: '{key}' should be a non-empty list")
            return []
        return value

    def text(self, data: dict, key: str, what: str, blank: bool = False) -> str:
        value = data.get(key)
        if value is None and blank:
            return ""
        if not isinstance(value, str) or (not blank and not value.strip()):
            self.problem(data, f"{what}: '{key}' should be text, not {value!r}")
            return ""
        return unwrap(value)

    def number(self, data: dict, key: str, what: str, nullable: bool = False) -> int | None:
        value = data.get(key)
        if value is None and nullable:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem(data, f"{what}: '{key}' should be a whole number, not {value!r}")
            return None
        return value

    def flag(self, data: dict, key: str, what: str) -> bool:
        value = data.get(key, True)
        if not isinstance(value, bool):
            self.problem(data, f"{what}: '{key}' should be true or false, not {value!r}")
            return False
        return value

    def keys(self, data: dict, key: str, what: str) -> list[str]:
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            self.problem(data, f"{what}: '{key}' should be a list of keys")
            return []
        return value

    def check_model(self, seed: Seed, data: dict, what: str, exclude: list[str]) -> None:
        """Run the model's own field validation (lengths, slugs, ranges, choices)."""
        instance = seed.model(**seed.fields)
        try:
            instance.clean_fields(exclude=exclude)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                for message in messages:
                    self.problem(data, f"{what}: {name}: {message}")


def unwrap(text: str) -> str:
    """Join the hard-wrapped lines of each paragraph; paragraphs stay apart by a blank line."""
    paragraphs = re.split(r"\n\s*\n", text.strip())
    return "\n\n".join(" ".join(paragraph.split()) for paragraph in paragraphs)


def _load_yaml(path: Path, reader: _Reader) -> Any:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_LineLoader)  # noqa: S506 (safe loader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        where = f", line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        reader.problems.append(f"{reader.name}{where}: not valid YAML: {error.problem}")
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        reader.problems.append(f"{reader.name}: cannot be read: {error}")
    return None


def _duplicate(seen: dict, key: Any, reader: _Reader, where: Any, what: str) -> bool:
    if key in seen:
        reader.problem(where, f"{what} is used twice (first at {seen[key]})")
        return True
    seen[key] = f"{reader.name}, line {getattr(where, 'line', '?')}"
    return False


def read_seeds(path: Path = DEFAULT_PATH) -> SeedSet:
    """Read and check every seed file; raise SeedError listing all problems found."""
    problems: list[str] = []
    found = SeedSet()
    seen: dict = {}

    def reader_for(name: str) -> tuple[_Reader, Any]:
        file = path / name
        reader = _Reader(file, path, problems)
        if not file.exists():
            problems.append(f"{reader.name}: file not found")
            return reader, None
        return reader, _load_yaml(file, reader)

    reader, data = reader_for("outcomes.yaml")
    if data is not None and reader.mapping(data, "outcomes.yaml", {"outcomes"}):
        for item in reader.items(data, "outcomes", "outcomes.yaml"):
            if not reader.mapping(item, "an outcome", {"slug", "name", "order"}, {"description"}):
                continue
            slug = reader.text(item, "slug", "an outcome")
            if _duplicate(seen, ("outcome", slug), reader, item, f"outcome slug '{slug}'"):
                continue
            seed = Seed(
                Outcome,
                (slug,),
                {
                    "slug": slug,
                    "name": reader.text(item, "name", f"outcome '{slug}'"),
                    "description": reader.text(item, "description", f"outcome '{slug}'", blank=True),
                    "order": reader.number(item, "order", f"outcome '{slug}'"),
                },
                place=f"outcome '{slug}'",
            )
            reader.check_model(seed, item, f"outcome '{slug}'", [])
            found.outcomes.append(seed)

    reader, data = reader_for("sources.yaml")
    if data is not None and reader.mapping(data, "sources.yaml", {"document", "sources"}):
        document = data["document"]
        if reader.mapping(document, "the document", {"title"}, {"author"}, where=data):
            title = reader.text(document, "title", "the document")
            author = reader.text(document, "author", "the document", blank=True)
            for item in reader.items(data, "sources", "sources.yaml"):
                if not reader.mapping(item, "a source", {"key", "section", "quote"}):
                    continue
                key = reader.text(item, "key", "a source")
                if _duplicate(seen, ("source", key), reader, item, f"source key '{key}'"):
                    continue
                seed = Seed(
                    Source,
                    (key,),
                    {
                        "key": key,
                        "document_title": title,
                        "author": author,
                        "section": reader.text(item, "section", f"source '{key}'"),
                        "quote": reader.text(item, "quote", f"source '{key}'"),
                    },
                    place=f"source '{key}'",
                )
                reader.check_model(seed, item, f"source '{key}'", [])
                found.sources.append(seed)
    source_keys = {seed.key[0] for seed in found.sources}
    outcome_slugs = {seed.key[0] for seed in found.outcomes}

    def cited(reader: _Reader, item: dict, what: str) -> list[str]:
        keys = reader.keys(item, "sources", what)
        for key in keys:
            if key not in source_keys:
                reader.problem(item, f"{what} cites an unknown source '{key}'")
        return keys

    reader, data = reader_for("factors.yaml")
    if data is not None and reader.mapping(data, "factors.yaml", {"factors"}):
        for item in reader.items(data, "factors", "factors.yaml"):
            if not reader.mapping(item, "a factor", {"slug", "name", "description", "order"}, {"sources"}):
                continue
            slug = reader.text(item, "slug", "a factor")
            what = f"factor '{slug}'"
            if _duplicate(seen, ("factor", slug), reader, item, f"factor slug '{slug}'"):
                continue
            seed = Seed(
                Factor,
                (slug,),
                {
                    "slug": slug,
                    "name": reader.text(item, "name", what),
                    "description": reader.text(item, "description", what),
                    "order": reader.number(item, "order", what),
                },
                sources=cited(reader, item, what),
                place=what,
            )
            reader.check_model(seed, item, what, [])
            found.factors.append(seed)
    factor_slugs = {seed.key[0] for seed in found.factors}

    topic_files = sorted((path / "topics").glob("*.yaml"))
    if not topic_files:
        problems.append(f"{path.name}/topics: no topic files (*.yaml) found")
    for file in topic_files:
        reader, data = reader_for(f"topics/{file.name}")
        topic_fields = {"slug", "title", "summary", "order", "background", "stakes", "us_position", "russia_position"}
        if data is None or not reader.mapping(
            data, "the topic", topic_fields | {"scenarios"}, {"published", "sources"}
        ):
            continue
        slug = reader.text(data, "slug", "the topic")
        what = f"topic '{slug}'"
        if _duplicate(seen, ("topic", slug), reader, data, f"topic slug '{slug}'"):
            continue
        topic = Seed(
            Topic,
            (slug,),
            {name: reader.text(data, name, what) for name in topic_fields - {"order"}}
            | {"order": reader.number(data, "order", what), "is_published": reader.flag(data, "published", what)},
            sources=cited(reader, data, what),
            place=what,
        )
        reader.check_model(topic, data, what, [])
        found.topics.append(topic)
        estimates = []
        for item in reader.items(data, "scenarios", what):
            required = {"outcome", "slug", "title", "narrative", "signposts", "implications", "likelihood"}
            optional = {"published", "rationale", "sources", "influences"}
            if not reader.mapping(item, f"a scenario of {what}", required, optional):
                continue
            scenario_slug = reader.text(item, "slug", f"a scenario of {what}")
            here = f"scenario '{slug}/{scenario_slug}'"
            if _duplicate(seen, ("scenario", slug, scenario_slug), reader, item, f"scenario slug '{scenario_slug}'"):
                continue
            outcome = reader.text(item, "outcome", here)
            if outcome and outcome not in outcome_slugs:
                reader.problem(item, f"{here} names an unknown outcome '{outcome}'")
            elif _duplicate(seen, ("topic-outcome", slug, outcome), reader, item, f"outcome '{outcome}' in {what}"):
                pass
            signposts = item.get("signposts")
            if not isinstance(signposts, list) or not signposts or not all(isinstance(s, str) for s in signposts):
                reader.problem(item, f"{here}: 'signposts' should be a list of sentences")
                signposts = []
            value = reader.number(item, "likelihood", here, nullable=True)
            if value is not None and not 0 <= value <= 100:
                reader.problem(item, f"{here}: likelihood {value} is not between 0 and 100")
                value = None
            estimates.append(value)
            scenario = Seed(
                Scenario,
                (slug, scenario_slug),
                {
                    "slug": scenario_slug,
                    "title": reader.text(item, "title", here),
                    "narrative": reader.text(item, "narrative", here),
                    "signposts": "\n".join(s.strip() for s in signposts),
                    "implications": reader.text(item, "implications", here),
                    "likelihood": value,
                    "likelihood_rationale": reader.text(item, "rationale", here, blank=True),
                    "is_published": reader.flag(item, "published", here),
                    "outcome_slug": outcome,
                },
                sources=cited(reader, item, here),
                place=here,
            )
            checked = Seed(Scenario, scenario.key, {k: v for k, v in scenario.fields.items() if k != "outcome_slug"})
            reader.check_model(checked, item, here, ["topic", "outcome"])
            found.scenarios.append(scenario)
            for influence in item.get("influences") or []:
                if not reader.mapping(influence, f"an influence on {here}", {"factor", "strength", "reason"}):
                    continue
                factor = reader.text(influence, "factor", f"an influence on {here}")
                if factor and factor not in factor_slugs:
                    reader.problem(influence, f"an influence on {here} names an unknown factor '{factor}'")
                key = (slug, scenario_slug, factor)
                if _duplicate(seen, ("influence", *key), reader, influence, f"factor '{factor}' on {here}"):
                    continue
                seed = Seed(
                    Influence,
                    key,
                    {
                        "strength": reader.number(influence, "strength", f"influence of '{factor}' on {here}"),
                        "reason": reader.text(influence, "reason", f"influence of '{factor}' on {here}"),
                    },
                    place=f"influence of '{factor}' on {here}",
                )
                reader.check_model(seed, influence, f"influence of '{factor}' on {here}", ["factor", "scenario"])
                found.influences.append(seed)
        problem = likelihood.distribution_problem(estimates)
        if problem:
            reader.problem(data, f"{what}: {problem}")

    if problems:
        raise SeedError(problems)
    return found


def _differs(instance: models.Model, seed: Seed) -> bool:
    if any(getattr(instance, name) != value for name, value in seed.fields.items()):
        return True
    if seed.sources is not None:
        return set(instance.sources.values_list("key", flat=True)) != set(seed.sources)
    return False


def _save(seed: Seed, lookup: dict, update: bool, report: Report) -> models.Model:
    """Create the object, or update it if asked to; leave a changed one alone otherwise."""
    label = seed.model._meta.verbose_name_plural
    plain = {name: value for name, value in seed.fields.items() if name not in lookup}
    instance = seed.model.objects.filter(**lookup).first()
    if instance is None:
        instance = seed.model.objects.create(**lookup, **plain)
        report.created[label] += 1
    elif not _differs(instance, Seed(seed.model, seed.key, plain, seed.sources)):
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
    if seed.sources is not None:
        instance.sources.set(Source.objects.filter(key__in=seed.sources))
    return instance


@transaction.atomic
def load_seeds(seeds: SeedSet, update: bool = False) -> Report:
    """Write the checked seeds to the database in one transaction."""
    report = Report()
    outcomes = {s.key[0]: _save(s, {"slug": s.key[0]}, update, report) for s in seeds.outcomes}
    for seed in seeds.sources:
        _save(seed, {"key": seed.key[0]}, update, report)
    factors = {s.key[0]: _save(s, {"slug": s.key[0]}, update, report) for s in seeds.factors}
    topics = {s.key[0]: _save(s, {"slug": s.key[0]}, update, report) for s in seeds.topics}
    scenarios = {}
    for seed in seeds.scenarios:
        fields = dict(seed.fields)
        fields["outcome"] = outcomes[fields.pop("outcome_slug")]
        topic = topics[seed.key[0]]
        scenarios[seed.key] = _save(
            Seed(Scenario, seed.key, fields, seed.sources, seed.place),
            {"topic": topic, "slug": seed.key[1]},
            update,
            report,
        )
    for seed in seeds.influences:
        topic_slug, scenario_slug, factor_slug = seed.key
        lookup = {"scenario": scenarios[(topic_slug, scenario_slug)], "factor": factors[factor_slug]}
        _save(seed, lookup, update, report)
    return report
