"""What the API answers, as the OpenAPI schema describes it (pydantic models, through django-ninja).

Every object carries its id, its slug (where it has one), `url` (its page on the site, where it has
one) and `api_url` (its address here)."""

from __future__ import annotations

import datetime

from pydantic import BaseModel, Field


class Schema(BaseModel):
    """Plain pydantic: the views hand over dicts, so ninja's Schema (which also reads model
    instances, at a cost on every nested object) is not needed."""


class Error(Schema):
    detail: str = Field(description="What was wrong, in words.")


class Index(Schema):
    topics: str
    outcomes: str
    scenarios: str
    factors: str
    sources: str
    developments: str
    annotations: str
    openapi: str
    docs: str


class Number(Schema):
    scenario: str = Field(description="The scenario's slug.")
    scenario_id: int
    outcome: str = Field(description="The outcome's slug.")
    likelihood: int | None = Field(description="Percent; the numbers of a topic add up to 100.")


class Community(Schema):
    shown: bool = Field(description="False until enough readers have estimated; `numbers` is empty then.")
    numbers: list[Number]


class CommunityOfTopic(Community):
    readers: int = Field(description="How many readers' estimates it combines.")


class Estimates(Schema):
    as_of: datetime.date | None = Field(description="The day the editors' current numbers hold from.")
    editors: list[Number]
    community: Community


class EstimatesOfTopic(Estimates):
    community: CommunityOfTopic


class TopicItem(Schema):
    id: int
    slug: str
    title: str
    summary: str
    url: str
    api_url: str
    history_url: str = Field(description="The topic's estimate history in the API.")
    updated_at: datetime.datetime
    estimates: Estimates


class ScenarioItem(Schema):
    id: int
    slug: str
    title: str
    topic: str
    topic_id: int
    outcome: str
    outcome_id: int
    likelihood: int | None
    estimated_at: datetime.datetime | None
    updated_at: datetime.datetime
    url: str
    api_url: str


class Source(Schema):
    id: int
    key: str = Field(description="The source's slug: how content cites it.")
    document_title: str
    author: str
    document_date: datetime.date | None
    section: str
    quote: str
    api_url: str


class Topic(TopicItem):
    estimates: EstimatesOfTopic
    background: str
    stakes: str
    us_position: str
    russia_position: str
    scenarios: list[ScenarioItem]
    sources: list[Source]


class Outcome(Schema):
    id: int
    slug: str
    name: str
    description: str
    order: int = Field(description="1 is the best outcome.")
    url: str = Field(description="The scenarios of this outcome, on the site's explorer.")
    api_url: str


class SignpostMark(Schema):
    development_id: int
    development_api_url: str
    happened_on: datetime.date
    state: str = Field(description='"observed" or "contradicted".')
    note: str


class Signpost(Schema):
    id: int
    text: str
    state: str | None = Field(description="Its latest mark's state; null when no development has marked it.")
    marks: list[SignpostMark] = Field(description="Latest first.")


class ScenarioInfluence(Schema):
    factor: str
    factor_id: int
    factor_api_url: str
    strength: int = Field(description="-2 (pushes down strongly) to 2 (pushes up strongly), never 0.")
    reason: str


class Scenario(ScenarioItem):
    narrative: str
    implications: str
    likelihood_rationale: str
    signposts: list[Signpost]
    influences: list[ScenarioInfluence]
    sources: list[Source]


class FactorInfluence(Schema):
    scenario: str
    scenario_id: int
    topic: str
    scenario_api_url: str
    strength: int
    reason: str


class Factor(Schema):
    id: int
    slug: str
    name: str
    description: str
    weaker: str = Field(description='What "weaker" means for it, ending "What if …?".')
    stronger: str
    url: None = Field(description="Factors have no page of their own.")
    api_url: str
    influences: list[FactorInfluence]
    sources: list[str] = Field(description="The keys of the sources it rests on.")


class DevelopmentSource(Schema):
    title: str
    publisher: str
    published_on: datetime.date | None
    url: str
    quote: str


class DevelopmentMark(Schema):
    signpost_id: int
    scenario: str
    scenario_api_url: str
    state: str
    note: str


class Development(Schema):
    id: int
    slug: str
    title: str
    happened_on: datetime.date
    summary: str
    topics: list[str]
    sources: list[DevelopmentSource]
    signpost_marks: list[DevelopmentMark]
    updated_at: datetime.datetime
    url: str
    api_url: str


class Revision(Schema):
    id: int
    as_of: datetime.date
    reason: str
    editor: str
    development_id: int | None
    numbers: list[Number]


class CommunityReading(Schema):
    day: datetime.date
    numbers: list[Number]


class History(Schema):
    topic: str
    topic_id: int
    url: str
    api_url: str
    csv_url: str
    revisions: list[Revision] = Field(description="Oldest first.")
    community: list[CommunityReading] = Field(
        description="The community's numbers, a reading a day at most, when they changed; oldest first."
    )


class Annotation(Schema):
    id: int
    kind: str = Field(description='"note", "question", … or "reply".')
    topic: str
    scenario: str
    scenario_id: int
    scenario_api_url: str
    author: str
    quote: str = Field(description="The passage of the narrative it is about (empty for replies).")
    body: str = Field(description="Markdown, as written.")
    body_html: str = Field(description="The body rendered and sanitized.")
    parent_id: int | None = Field(description="What a reply answers.")
    root_id: int | None = Field(description="The annotation that starts a reply's thread.")
    created_at: datetime.datetime
    edited_at: datetime.datetime | None
    updated_at: datetime.datetime
    url: str
    api_url: str


# One page of each list: its items and the next page's address (null on the last).


class TopicPage(Schema):
    items: list[TopicItem]
    next: str | None


class ScenarioPage(Schema):
    items: list[ScenarioItem]
    next: str | None


class OutcomePage(Schema):
    items: list[Outcome]
    next: str | None


class FactorPage(Schema):
    items: list[Factor]
    next: str | None


class SourcePage(Schema):
    items: list[Source]
    next: str | None


class DevelopmentPage(Schema):
    items: list[Development]
    next: str | None


class AnnotationPage(Schema):
    items: list[Annotation]
    next: str | None
