"""Any change to what readers see bumps the content version, which invalidates cached pages."""

from django.db.models.signals import m2m_changed, post_delete, post_save

from diplomacy.annotations.models import Annotation
from diplomacy.scenarios.models import Factor, Influence, Outcome, Scenario, Source, Topic

from .models import ContentVersion

SHOWN_TO_READERS = [Topic, Outcome, Scenario, Factor, Influence, Source, Annotation]


def _bump(sender, **kwargs) -> None:
    ContentVersion.bump()


for model in SHOWN_TO_READERS:
    post_save.connect(_bump, sender=model, dispatch_uid=f"bump-on-save-{model.__name__}")
    post_delete.connect(_bump, sender=model, dispatch_uid=f"bump-on-delete-{model.__name__}")
for through in (Topic.sources.through, Scenario.sources.through, Factor.sources.through):
    m2m_changed.connect(_bump, sender=through, dispatch_uid=f"bump-on-m2m-{through.__name__}")
