"""Every query of every measured endpoint, run with EXPLAIN ANALYZE on the scale database.

Run after `make bench` has seeded it (same BENCH_DATABASE_URL and BENCH_REDIS_URL):
    make bench-explain                       # three members, the 15 slowest queries
    make bench-explain ARGS="--members 10 --top 40"

For members of couples picked at random it signs in (as bench/prepare.py does), requests each
endpoint once to warm it, then again while capturing its queries, and runs each query with
EXPLAIN ANALYZE. It prints the slowest by execution time inside PostgreSQL, with the head of
each plan: a page slowed by the database shows here, one slowed by Python does not.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
os.environ["DEBUG"] = "false"
os.environ.setdefault("SECRET_KEY", "bench-explain-not-secret")
os.environ["SECURE_SSL_REDIRECT"] = "false"
# Where `make bench` collected the static files the pages name.
os.environ.setdefault("HEARTH_VAR_DIR", str(ROOT / "var" / "bench"))
os.environ["DATABASE_URL"] = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/hearth_scale"
)
os.environ["REDIS_URL"] = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/5")

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench import prepare  # noqa: E402  (sets Django up)
from couples.models import Couple, Membership  # noqa: E402

POLLS = {"status", "banner"}


def explain(sql: str) -> tuple[float, list[str]]:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, FORMAT TEXT) " + sql)
        plan = [row[0] for row in cursor.fetchall()]
    found = re.search(r"Execution Time: ([\d.]+)", plan[-1])
    return (float(found.group(1)) if found else 0.0), plan


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--members", type=int, default=3)
    parser.add_argument("--top", type=int, default=15)
    args = parser.parse_args()
    couples = list(Couple.objects.values_list("pk", flat=True))
    picked = random.sample(couples, min(args.members, len(couples)))
    slowest: dict[tuple[str, str], tuple[float, list[str]]] = {}
    for membership in Membership.objects.filter(couple_id__in=picked).select_related(
        "couple", "user"
    )[: args.members]:
        client = Client(headers={"Cookie": prepare.sign_in(membership)})
        for name, path in prepare.paths_for(membership).items():
            headers = {"HX-Request": "true"} if name in POLLS else {}
            client.get(path, headers=headers)
            with CaptureQueriesContext(connection) as captured:
                client.get(path, headers=headers)
            for query in captured.captured_queries:
                key = (name, query["sql"][:100])
                found = explain(query["sql"])
                if found[0] >= slowest.get(key, (-1.0, []))[0]:
                    slowest[key] = found
    ranked = sorted(slowest.items(), key=lambda item: -item[1][0])
    print(f"{len(slowest)} distinct queries; the slowest inside PostgreSQL:")
    for (name, sql), (ms, plan) in ranked[: args.top]:
        print(f"{ms:8.3f} ms  {name:10} {sql}")
        print("            " + " | ".join(line.strip() for line in plan[:3])[:300])


if __name__ == "__main__":
    main()
