"""/healthz answers 200 when the database answers, 503 when it does not."""

import pytest
from django.db import OperationalError

pytestmark = pytest.mark.django_db


def test_it_is_ok_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_it_is_503_when_the_database_does_not(client, monkeypatch):
    from django.db.backends.utils import CursorWrapper

    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(CursorWrapper, "execute", refuse)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "unreachable"}


def test_pages_answer_a_friendly_503_while_the_database_is_down(client, monkeypatch):
    from django.db.backends.utils import CursorWrapper

    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(CursorWrapper, "execute", refuse)
    client.raise_request_exception = False
    response = client.get("/")
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assert "cannot reach its database" in response.text
    assert "Traceback" not in response.text


def test_other_errors_still_get_the_500_page(client, monkeypatch):
    from diplomacy.scenarios import views

    def broken(*args, **kwargs):
        raise ValueError("a bug")

    monkeypatch.setattr(views, "_first_sentence", broken)
    client.raise_request_exception = False
    from tests.factories import make_scenario

    response = client.get(make_scenario().get_absolute_url())
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.text
