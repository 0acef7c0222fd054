"""Render diplomacy.conf.template into an nginx site file, for production or for a loopback test.

    python3 deploy/nginx/render.py --server-name diplomacy.example.org --upstream 127.0.0.1:8000 \\
        --static-root /srv/diplomacy/staticfiles --cache-dir /var/cache/nginx/diplomacy \\
        --certificate /etc/letsencrypt/live/diplomacy.example.org/fullchain.pem \\
        --certificate-key /etc/letsencrypt/live/diplomacy.example.org/privkey.pem \\
        > /etc/nginx/sites-available/diplomacy.conf

With --loopback 127.0.0.1:8770 --access-log PATH it renders the plain-HTTP variant the
harnesses run (bench/harness.py calls render() directly): the "# BEGIN production-only"
… "# END production-only" blocks are dropped and the "#loopback-only: " lines become
directives. Either way it stops if a placeholder is left unfilled. Standard library only.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

TEMPLATE = Path(__file__).resolve().parent / "diplomacy.conf.template"
BEGIN, END, LOOPBACK = "# BEGIN production-only", "# END production-only", "#loopback-only: "
PLACEHOLDER = re.compile(r"\$\{(DIPLOMACY_[A-Z_]+)\}")


def render(values: dict[str, str], *, loopback: bool, template: str | None = None) -> str:
    """The template with its ${DIPLOMACY_…} placeholders filled from `values`.

    Loopback drops the production-only blocks and uncomments the loopback-only lines;
    production leaves both markers as the comments they are."""
    text = TEMPLATE.read_text() if template is None else template
    lines: list[str] = []
    skipping = False
    for line in text.splitlines():
        marker = line.strip()
        if marker == BEGIN:
            if skipping:
                raise ValueError(f"{TEMPLATE.name}: '{BEGIN}' inside another")
            skipping = loopback
        elif marker == END:
            skipping = False
            if loopback:
                continue
        if skipping:
            continue
        if loopback and marker.startswith(LOOPBACK):
            line = line[: len(line) - len(line.lstrip())] + marker.removeprefix(LOOPBACK)
        lines.append(line)
    if skipping:
        raise ValueError(f"{TEMPLATE.name}: '{BEGIN}' without '{END}'")
    rendered = PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), "\n".join(lines) + "\n")
    unfilled = sorted(
        {
            name
            for line in rendered.splitlines()
            if not line.lstrip().startswith("#")
            for name in PLACEHOLDER.findall(line)
        }
    )
    if unfilled:
        raise ValueError(f"{TEMPLATE.name}: no value for {', '.join(unfilled)}")
    return rendered


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--server-name", required=True)
    parser.add_argument("--upstream", default="127.0.0.1:8000", help="where gunicorn listens")
    parser.add_argument("--static-root", required=True, help="the app's STATIC_ROOT, after collectstatic")
    parser.add_argument("--cache-dir", default="/var/cache/nginx/diplomacy")
    parser.add_argument("--certificate", help="TLS certificate chain (production)")
    parser.add_argument("--certificate-key", help="its private key (production)")
    parser.add_argument("--loopback", metavar="ADDRESS:PORT", help="render the plain-HTTP test variant instead")
    parser.add_argument("--access-log", help="the loopback variant's access log")
    args = parser.parse_args()
    values = {
        "DIPLOMACY_SERVER_NAME": args.server_name,
        "DIPLOMACY_UPSTREAM": args.upstream,
        "DIPLOMACY_STATIC_ROOT": args.static_root.rstrip("/"),
        "DIPLOMACY_CACHE_DIR": args.cache_dir,
    }
    if args.loopback:
        values |= {"DIPLOMACY_LISTEN": args.loopback, "DIPLOMACY_ACCESS_LOG": args.access_log or "/dev/null"}
    else:
        if not (args.certificate and args.certificate_key):
            parser.error("production needs --certificate and --certificate-key (or --loopback for a test)")
        values |= {"DIPLOMACY_TLS_CERTIFICATE": args.certificate, "DIPLOMACY_TLS_CERTIFICATE_KEY": args.certificate_key}
    try:
        sys.stdout.write(render(values, loopback=bool(args.loopback)))
    except ValueError as error:
        print(f"render.py: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
