"""Only staff hold permissions, so contributors' pages skip the permission queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db


def test_contributors_have_no_permissions_and_asking_costs_no_query(contributor):
    with CaptureQueriesContext(connection) as queries:
        assert not contributor.has_perm("annotations.moderate_annotation")
        assert not contributor.has_perm("scenarios.change_topic")
    assert len(queries) == 0


def test_editors_keep_their_groups_permissions(editor):
    assert editor.has_perm("annotations.moderate_annotation")
    assert editor.has_perm("scenarios.change_topic")
    assert not editor.has_perm("auth.change_user")


def test_a_non_staff_user_given_a_permission_does_not_get_to_use_it(contributor):
    from django.contrib.auth.models import Permission

    contributor.user_permissions.add(Permission.objects.get(codename="moderate_annotation"))
    assert not contributor.has_perm("annotations.moderate_annotation")
