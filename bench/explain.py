#!/usr/bin/env python3
"""EXPLAIN ANALYZE of every query the public lists run, on the benchmark's PostgreSQL database.

    .venv/bin/python bench/explain.py            # the URLs `make bench` measures
    .venv/bin/python bench/explain.py /awards/?kind=team

Requests each URL once in this process (Django's test client, bench/settings.py, stored
responses off, as bench/timings.py), and for each statement it runs, runs it again under
EXPLAIN (ANALYZE, FORMAT JSON) with the same parameters. Prints the planning and execution
time, any Sort (with how many rows it sorts) and any sequential scan of the nominations: the
proof that no public list sorts or scans the nominations. Planning times are of
unprepared statements; the server's workers prepare theirs (`DB_PREPARED_STATEMENTS`). Writes
nothing.
"""

import json
import sys

import timings  # noqa: E402,F401  (the benchmark's settings and database; sets Django up)
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

URLS = [
    "/api/v1/awards/",
    "/api/v1/awards/?page_size=100",
    "/api/v1/awards/?page=2000",
    "/api/v1/awards/?year=2024&country=MX",
    "/api/v1/awards/?q=zorv",
    "/awards/",
    "/feeds/awards.json",
]


def nodes(plan):
    yield plan
    for child in plan.get("Plans", []):
        yield from nodes(child)


def main(paths):
    plans = []

    def explain(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if sql.lstrip().upper().startswith("SELECT") and not many:
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, params)
                (plan,) = cursor.fetchone()
                plans.append((sql, (json.loads(plan) if isinstance(plan, str) else plan)[0]))
        return result

    client = Client()
    for path in paths:
        client.get(path)  # warm: the public state and counts are cached, as in the benchmark
        plans.clear()
        with connection.execute_wrapper(explain):
            status = client.get(path).status_code
        print(f"\n{path} ({status})")
        for sql, plan in plans:
            top = plan["Plan"]
            flagged = [
                f"Sort of {n['Plans'][0]['Actual Rows']:,} rows"
                if n["Node Type"] == "Sort"
                else f"Seq Scan on {n['Relation Name']}"
                for n in nodes(top)
                if n["Node Type"] == "Sort"
                or (
                    n["Node Type"] == "Seq Scan"
                    and n.get("Relation Name", "").startswith("registry_nomination")
                )
            ]
            print(
                f"  plan {plan['Planning Time']:6.2f} ms  run {plan['Execution Time']:6.2f} ms"
                f"  rows {top['Actual Rows']:>5}  {', '.join(flagged) or 'no sort, no sequential scan'}"
                f"  | {sql[:90]}"
            )


if __name__ == "__main__":
    main(sys.argv[1:] or URLS)
