"""Break each part of each cache key (and each invalidation) once, in a copy of the tree, and see a test fail.

    .venv/bin/python bench/key_mutations.py            # every mutation
    .venv/bin/python bench/key_mutations.py what-if    # those whose labels contain "what-if"

Each mutation replaces one piece of code (it must occur exactly once) in a fresh copy of
the tree in a temporary directory, then runs the cache, annotation and page tests
(stopping at the first failure). A mutation no test catches is a key part or an
invalidation the tests do not hold; the run ends non-zero if there is one.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent
MUTATIONS = [
    (
        "key: without the name of what is cached",
        "diplomacy/core/cache.py",
        'return f"{name}:{RELEASE}:',
        'return f"x:{RELEASE}:',
    ),
    ("key: without the release", "diplomacy/core/cache.py", 'return f"{name}:{RELEASE}:', 'return f"{name}:0:'),
    (
        "key: scopes without their names",
        "diplomacy/core/cache.py",
        'return "|".join(f"{scope}={known[scope]}" for scope in wanted)',
        'return "|".join(f"{known[scope]}" for scope in wanted)',
    ),
    (
        "key: scopes without their tokens",
        "diplomacy/core/cache.py",
        'return "|".join(f"{scope}={known[scope]}" for scope in wanted)',
        'return "|".join(f"{scope}" for scope in wanted)',
    ),
    (
        "key: without the site's address",
        "diplomacy/core/cache.py",
        "tokens(request, list(scopes)), site_url(), day, *(",
        "tokens(request, list(scopes)), day, *(",
    ),
    (
        "key: without the day",
        "diplomacy/core/cache.py",
        "tokens(request, list(scopes)), site_url(), day, *(",
        "tokens(request, list(scopes)), site_url(), *(",
    ),
    ("key: without the other parts", "diplomacy/core/cache.py", "*(str(part) for part in parts)])", "])"),
    (
        "page key: without the htmx headers",
        "diplomacy/core/cache.py",
        "request.get_full_path(), varying)",
        'request.get_full_path(), "")',
    ),
    (
        "page key: without the query string",
        "diplomacy/core/cache.py",
        "request.get_full_path(), varying)",
        "request.path, varying)",
    ),
    (
        "topic page: without its topic's scope",
        "diplomacy/scenarios/views.py",
        "return [EDITORIAL, topic_scope(topic), community_scope(topic)]",
        "return [EDITORIAL, community_scope(topic)]",
    ),
    (
        "topic page: without its community scope",
        "diplomacy/scenarios/views.py",
        "return [EDITORIAL, topic_scope(topic), community_scope(topic)]",
        "return [EDITORIAL, topic_scope(topic)]",
    ),
    (
        "scenario page and thread: without the scenario's scope",
        "diplomacy/annotations/thread.py",
        "return [EDITORIAL, community_scope(topic), scenario_scope(topic, scenario)]",
        "return [EDITORIAL, community_scope(topic)]",
    ),
    (
        "scenario page (anonymous): without its topic's community scope",
        "diplomacy/annotations/thread.py",
        "return [EDITORIAL, community_scope(topic), scenario_scope(topic, scenario)]",
        "return [EDITORIAL, scenario_scope(topic, scenario)]",
    ),
    (
        "scenario page (signed in): without its topic's community scope",
        "diplomacy/scenarios/views.py",
        "[EDITORIAL, community_scope(topic)], build, topic, scenario, visibility)",
        "[EDITORIAL], build, topic, scenario, visibility)",
    ),
    (
        "every page: without the editorial scope",
        "diplomacy/annotations/thread.py",
        "return [EDITORIAL, community_scope(topic), scenario_scope(topic, scenario)]",
        "return [community_scope(topic), scenario_scope(topic, scenario)]",
    ),
    (
        "matrix pages: without the community scope",
        "diplomacy/scenarios/views.py",
        "return [EDITORIAL, COMMUNITY]",
        "return [EDITORIAL]",
    ),
    (
        "home (signed in): without whose estimates the matrix shows",
        "diplomacy/scenarios/views.py",
        'fragment(request, "home", _matrix_shows(), build, estimates)',
        'fragment(request, "home", _matrix_shows(), build)',
    ),
    (
        "topics (signed in): without whose estimates the matrix shows",
        "diplomacy/scenarios/views.py",
        "build, page.number, estimates)",
        "build, page.number)",
    ),
    (
        "estimate panel: without the reader's scope",
        "diplomacy/forecasts/panel.py",
        "scopes = [EDITORIAL, community_scope(topic), reader_scope(user.pk)]",
        "scopes = [EDITORIAL, community_scope(topic)]",
    ),
    (
        "estimate panel: without the community scope",
        "diplomacy/forecasts/panel.py",
        "scopes = [EDITORIAL, community_scope(topic), reader_scope(user.pk)]",
        "scopes = [EDITORIAL, reader_scope(user.pk)]",
    ),
    (
        "estimate panel: without the editorial scope",
        "diplomacy/forecasts/panel.py",
        "scopes = [EDITORIAL, community_scope(topic), reader_scope(user.pk)]",
        "scopes = [community_scope(topic), reader_scope(user.pk)]",
    ),
    (
        "estimate panel: the CSRF stand-in is left in",
        "diplomacy/forecasts/panel.py",
        "html.replace(csrf_stand_in(), get_token(request))",
        "html",
    ),
    (
        "signals: a reader's own estimate bumps nothing",
        "diplomacy/core/signals.py",
        "    Version.bump([reader_scope(instance.reader_id)])",
        "    pass",
    ),
    (
        "scores pages: without the scores scope",
        "diplomacy/forecasts/scores.py",
        "return [EDITORIAL, SCORES]",
        "return [EDITORIAL]",
    ),
    (
        "topic page: without the visibility",
        "diplomacy/scenarios/views.py",
        'page = fragment(request, "topic", [EDITORIAL, community_scope(topic)], build, visibility)',
        'page = fragment(request, "topic", [EDITORIAL, community_scope(topic)], build)',
    ),
    (
        "topic page: without the community scope",
        "diplomacy/scenarios/views.py",
        'page = fragment(request, "topic", [EDITORIAL, community_scope(topic)], build, visibility)',
        'page = fragment(request, "topic", [EDITORIAL], build, visibility)',
    ),
    (
        "topic's list of scenarios: without the topic scope",
        "diplomacy/scenarios/views.py",
        'fragment(request, "topic-scenarios", _topic_shows(topic), listing, visibility)',
        'fragment(request, "topic-scenarios", [EDITORIAL, community_scope(topic)], listing, visibility)',
    ),
    (
        "topic's list of scenarios: without the community scope",
        "diplomacy/scenarios/views.py",
        'fragment(request, "topic-scenarios", _topic_shows(topic), listing, visibility)',
        'fragment(request, "topic-scenarios", [EDITORIAL, topic_scope(topic)], listing, visibility)',
    ),
    (
        "topic's list of scenarios: without the visibility",
        "diplomacy/scenarios/views.py",
        'fragment(request, "topic-scenarios", _topic_shows(topic), listing, visibility)',
        'fragment(request, "topic-scenarios", _topic_shows(topic), listing)',
    ),
    (
        "topic's list of scenarios: one stand-in for every count",
        "diplomacy/scenarios/views.py",
        "stand_in(_COUNTED % s.pk)",
        "stand_in(_COUNTED % 0)",
    ),
    (
        "scenario page: without the visibility",
        "diplomacy/scenarios/views.py",
        "build, topic, scenario, visibility)",
        "build, topic, scenario)",
    ),
    (
        "scenario page: without the slugs",
        "diplomacy/scenarios/views.py",
        "build, topic, scenario, visibility)",
        "build, visibility)",
    ),
    (
        "page etag: stored stale",
        "diplomacy/core/cache.py",
        "set_response_etag(response)  # once, rather than on every hit",
        'response["ETag"] = \'"fixed"\'',
    ),
    (
        "highlighted narrative: without the quoting annotations",
        "diplomacy/annotations/thread.py",
        "build, self.scenario.pk, quoted)",
        "build, self.scenario.pk)",
    ),
    (
        "highlighted narrative: without the scenario",
        "diplomacy/annotations/thread.py",
        "build, self.scenario.pk, quoted)",
        "build, quoted)",
    ),
    (
        "highlighted narrative: without the editorial scope",
        "diplomacy/annotations/thread.py",
        'fragment(self.request, "highlights", [EDITORIAL], build',
        'fragment(self.request, "highlights", [], build',
    ),
    (
        "thread page: without the params",
        "diplomacy/annotations/thread.py",
        "build, self.scenario.pk, *params.parts)",
        "build, self.scenario.pk)",
    ),
    (
        "thread html: without signed in or not",
        "diplomacy/annotations/thread.py",
        "*params.parts, signed_in)",
        "*params.parts)",
    ),
    (
        "annotation rendering: without updated_at",
        "diplomacy/annotations/thread.py",
        "((a.pk, a.updated_at.isoformat()), build(a))",
        "((a.pk,), build(a))",
    ),
    (
        "annotation rendering: without the editorial scope",
        "diplomacy/annotations/thread.py",
        'rendered = fragments(request, "annotation", [EDITORIAL], pieces)',
        'rendered = fragments(request, "annotation", [], pieces)',
    ),
    (
        "form fields: without the kinds offered",
        "diplomacy/annotations/forms.py",
        "[], build, self.editor)",
        "[], build)",
    ),
    (
        "preview: without the editorial scope",
        "diplomacy/scenarios/views.py",
        "fragment(request, name, _editorial(), draw, pk)",
        "fragment(request, name, [], draw, pk)",
    ),
    (
        "preview: without the object",
        "diplomacy/scenarios/views.py",
        "fragment(request, name, _editorial(), draw, pk)",
        "fragment(request, name, _editorial(), draw)",
    ),
    (
        "signals: a public annotation bumps nothing",
        "diplomacy/core/signals.py",
        "    Version.bump(scopes)\n\n\ndef _annotation_before",
        "    pass\n\n\ndef _annotation_before",
    ),
    (
        "signals: a community change bumps not its topic's pages",
        "diplomacy/core/signals.py",
        "scopes = {community_scope(instance.topic.slug)}",
        "scopes = set()",
    ),
    (
        "signals: a community change never bumps the matrix",
        "diplomacy/core/signals.py",
        "scopes.add(COMMUNITY)",
        "pass",
    ),
    (
        "signals: resolutions and readers' listing bump not the scores",
        "diplomacy/core/signals.py",
        "def _scores_changed(sender: type, **kwargs: Any) -> None:\n    Version.bump([SCORES])",
        "def _scores_changed(sender: type, **kwargs: Any) -> None:\n    pass",
    ),
    (
        "signals: editorial changes bump nothing",
        "diplomacy/core/signals.py",
        "    Version.bump([EDITORIAL])\n",
        "    pass\n",
    ),
    (
        "signals: forget where an annotation was public",
        "diplomacy/core/signals.py",
        'vars(instance)["_was_public_on"] = before.first() if instance.pk else None',
        'vars(instance)["_was_public_on"] = None',
    ),
    (
        "signals: a username change bumps nothing",
        "diplomacy/core/signals.py",
        "    theirs.update(updated_at=timezone.now())\n",
        "    return\n",
    ),
    (
        "thread: everyone gets the shared rendering",
        "diplomacy/annotations/thread.py",
        "if self.wrote_or_moderates or any(item.flagged_by_me for item in page.shown):",
        "if False:",
    ),
    (
        "thread: the CSRF stand-in is left in",
        "diplomacy/annotations/thread.py",
        "html = html.replace(csrf_stand_in(), get_token(self.request))",
        "html = html",
    ),
]
MUTATIONS += [
    (
        "what-if situation key: without the visibility",
        "diplomacy/whatif/views.py",
        'kept(request, "whatif:situation", [EDITORIAL], build, topic, visibility)',
        'kept(request, "whatif:situation", [EDITORIAL], build, topic)',
    ),
    (
        "what-if situation: without the editorial scope",
        "diplomacy/whatif/views.py",
        'kept(request, "whatif:situation", [EDITORIAL], build, topic, visibility)',
        'kept(request, "whatif:situation", [], build, topic, visibility)',
    ),
    (
        "what-if controls key: without the visibility",
        "diplomacy/whatif/views.py",
        '"levers": _levers(request, situation, reading, topic, visibility),',
        '"levers": _levers(request, situation, reading, topic),',
    ),
    (
        "what-if page and preview keys: without the settings",
        "diplomacy/whatif/views.py",
        "return fragment(request, name, [EDITORIAL], build, *parts, reading.query)",
        "return fragment(request, name, [EDITORIAL], build, *parts)",
    ),
    (
        "what-if: any address cached",
        "diplomacy/whatif/views.py",
        "return bool(_canonical(request, reading)) and len(reading.settings) <= CACHED_MOVED_AT_MOST",
        "return True",
    ),
    (
        "what-if: every answer public, to caches in front",
        "diplomacy/whatif/views.py",
        "    if _cached(request, reading):\n        return shared(request, response)",
        "    if True:\n        return shared(request, response)",
    ),
    (
        "kept: by name alone, in this process",
        "diplomacy/core/cache.py",
        "    cache_key = key(request, name, scopes, *parts)\n    value: T = KEPT.get(cache_key)",
        "    cache_key = name\n    value: T = KEPT.get(cache_key)",
    ),
]
TESTS = [
    "tests/core/test_cache.py",
    "tests/whatif",
    "tests/annotations",
    "tests/scenarios",
    "tests/test_templates.py",
    "tests/test_first_visit.py",
    "tests/timeline/test_history.py",
    "tests/forecasts",
    "--ignore=tests/scenarios/test_seeds.py",
]


def main() -> int:
    missed = 0
    wanted = sys.argv[1:]  # only the mutations whose labels contain one of these, if any are given
    for label, rel, old, new in MUTATIONS:
        if wanted and not any(part in label for part in wanted):
            continue
        with tempfile.TemporaryDirectory() as scratch:
            work = Path(scratch) / "tree"
            ignore = shutil.ignore_patterns(".venv", ".git", "staticfiles", "*.sqlite3*", "bench", "node_modules")
            shutil.copytree(SRC, work, ignore=ignore)
            path = work / rel
            text = path.read_text()
            if text.count(old) != 1:
                print(f"- {label}: NOT APPLIED ({text.count(old)} matches): update the mutation", flush=True)
                missed += 1
                continue
            path.write_text(text.replace(old, new))
            command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-x", *TESTS]
            out = subprocess.run(command, cwd=work, capture_output=True, text=True)
        failed = [line.split(" ")[1].split(" - ")[0] for line in out.stdout.splitlines() if line.startswith("FAILED")]
        missed += not failed
        print(f"- {label}: {'caught by ' + failed[0] if failed else 'NOT CAUGHT'}", flush=True)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
