"""With Redis as the shared cache (REDIS_URL), as in production: pages, fragments and sessions.

These run against the Redis on 127.0.0.1:6379 (database 15, emptied around each test), and are
skipped, saying so, where none is running.
"""

import pytest
import redis
from django.core.cache import caches
from django.test import Client, override_settings

from diplomacy.core.redis import RedisCache
from tests.factories import make_annotation, make_topic_with_scenarios

REDIS = "redis://127.0.0.1:6379/15"
pytestmark = pytest.mark.django_db


def _redis_running() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS, socket_connect_timeout=0.5).ping())
    except redis.RedisError:
        return False


@pytest.fixture(autouse=True)
def redis_cache():
    if not _redis_running():
        pytest.skip(f"no Redis at {REDIS}: start one to run these tests")
    settings = {
        "CACHES": {"default": {"BACKEND": "diplomacy.core.redis.RedisCache", "LOCATION": REDIS}},
        "SESSION_ENGINE": "django.contrib.sessions.backends.cached_db",
    }
    with override_settings(**settings):
        caches["default"].clear()
        yield caches["default"]
        caches["default"].clear()


def test_the_cache_keeps_one_redis_client_per_server(redis_cache):
    assert isinstance(redis_cache, RedisCache)
    redis_cache.set("greeting", {"text": "hello"})
    client = redis_cache._cache.get_client()
    assert redis_cache.get("greeting") == {"text": "hello"}
    assert redis_cache._cache.get_client(write=True) is client
    redis_cache.delete("greeting")
    assert redis_cache.get("greeting") is None


def test_pages_are_shared_through_redis_and_follow_changes(client, outcomes, contributor):
    topic = make_topic_with_scenarios(outcomes)
    scenario = topic.scenarios.first()
    assert client.get(scenario.get_absolute_url())["X-Cache"] == "miss"
    other_server = Client()  # another app server: same Redis, same database
    assert other_server.get(scenario.get_absolute_url())["X-Cache"] == "hit"
    make_annotation(scenario, contributor, body="Seen everywhere at once")
    response = other_server.get(scenario.get_absolute_url())
    assert response["X-Cache"] == "miss" and "Seen everywhere at once" in response.text
    assert client.get(topic.get_absolute_url())["X-Cache"] == "miss"


def test_a_logout_ends_the_session_everywhere(outcomes, contributor):
    """Sessions are read from the shared cache; a logout on one app server must end them on all."""
    topic = make_topic_with_scenarios(outcomes)
    one = Client()
    assert (
        one.post("/accounts/login/", {"username": "contributor", "password": "contributor-password"}).status_code == 302
    )
    other = Client()  # the same browser's cookie, sent to another app server
    other.cookies.load({"sessionid": one.cookies["sessionid"].value})
    assert "Log out contributor" in other.get(topic.get_absolute_url()).text
    one.post("/accounts/logout/")
    assert "Log out contributor" not in other.get(topic.get_absolute_url()).text
