"""How long computing a what-if takes: the model on random topics, against the issue's 2 ms.

    .venv/bin/python bench/whatif_compute.py

A topic of four outcomes and ten forces, each force on two or three outcomes, every force moved:
the editors' numbers shifted and made whole. Prints the median and the slowest of 2,000 such
computations (each on fresh random settings); exits non-zero if the slowest takes 2 ms or more.
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path
from statistics import median

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from diplomacy.whatif import model  # after the path is set

BUDGET_MS = 2.0
RUNS = 2_000
OUTCOMES = ["breakthrough", "limited-agreement", "no-agreement", "worsened-relations"]
FORCES = [f"force-{n}" for n in range(10)]


def main() -> int:
    rng = random.Random(14)  # noqa: S311 (made-up numbers, not secrets)
    timings = []
    for _ in range(RUNS):
        cuts = sorted(rng.randint(0, 100) for _ in OUTCOMES[1:])
        editors = dict(zip(OUTCOMES, [b - a for a, b in zip([0, *cuts], [*cuts, 100], strict=True)], strict=True))
        influences = {
            force: {outcome: rng.choice([-2, -1, 1, 2]) for outcome in rng.sample(OUTCOMES, rng.randint(2, 3))}
            for force in FORCES
        }
        settings = {force: rng.choice([-2, -1, 1, 2]) for force in FORCES}
        start = time.perf_counter()
        model.whole(model.shifted(editors, influences, settings))
        timings.append((time.perf_counter() - start) * 1000)
    slowest = max(timings)
    print(f"what-if compute, {len(FORCES)} forces on {len(OUTCOMES)} outcomes, {RUNS:,} runs: "
          f"median {median(timings) * 1000:.0f} µs, slowest {slowest:.3f} ms (budget < {BUDGET_MS} ms)")  # fmt: skip
    return 0 if slowest < BUDGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
