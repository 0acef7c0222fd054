"""Each topic whose scenarios are all estimated gets its current numbers as its first revision."""

import datetime

from django.db import migrations
from django.db.models import Max


def first_revisions(apps, schema_editor):
    Topic = apps.get_model("scenarios", "Topic")
    Revision = apps.get_model("timeline", "Revision")
    Estimate = apps.get_model("timeline", "Estimate")
    for topic in Topic.objects.filter(revisions__isnull=True):
        numbers = dict(topic.scenarios.values_list("pk", "likelihood"))
        if not numbers or None in numbers.values() or sum(numbers.values()) != 100:
            continue
        dated = topic.scenarios.aggregate(newest=Max("estimated_at"))["newest"]
        as_of = dated.date() if dated else datetime.date.today()
        revision = Revision.objects.create(
            topic=topic, as_of=as_of, reason="The estimates as they stood when revisions began to be recorded."
        )
        Estimate.objects.bulk_create(
            Estimate(revision=revision, scenario_id=pk, likelihood=value) for pk, value in numbers.items()
        )


class Migration(migrations.Migration):
    dependencies = [("timeline", "0001_initial"), ("scenarios", "0007_signpost_items")]

    operations = [migrations.RunPython(first_revisions, migrations.RunPython.noop)]
