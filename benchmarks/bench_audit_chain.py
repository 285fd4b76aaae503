"""What the audit trail's hash chain costs: writing one event, and verifying the chain.

Writes events alternately through `log_event` (chained: lock, read the head,
HMAC, insert) and through the plain inserts the service made before the chain
(event, subjects, field changes), each in its own transaction as a page view's
consultation is, and reports the median time of each and the difference. Then
times `verify_chain` over everything written. SQLite by default; PostgreSQL
with BENCH_DATABASE_URL.
"""

from __future__ import annotations

import statistics
import time

from benchmarks.harness import fresh_django, report

ROUNDS = 1500
PRELOAD = 20_000  # events already in the log, so the head lookup is measured on a non-trivial table


def run() -> dict:
    fresh_django("audit-chain")
    from django.db import connection, transaction
    from django.utils import timezone

    from masip.audit.models import AuditEvent, AuditSubject, FieldChange, Operation
    from masip.audit.services import Subject, append_events, log_event
    from masip.audit.verify import verify_chain

    def chained(i: int) -> None:
        log_event(
            actor=None, operation=Operation.CONSULTATION, action="case.view", partnership=1,
            subjects=[Subject("case", i, f"LON-C{i:05d}"), Subject("person", i)],
            changes=[(Subject("case", i), "status", "open", "closed")], details={"i": i}, path=f"/cases/{i}/",
        )

    def plain(i: int) -> None:  # what log_event did before the chain
        with transaction.atomic():
            event = AuditEvent.objects.create(
                at=timezone.now(), operation=Operation.CONSULTATION, action="case.view", partnership_id=1,
                details={"i": i}, path=f"/cases/{i}/",
            )
            AuditSubject.objects.bulk_create([
                AuditSubject(event=event, object_type="case", object_id=i, label=f"LON-C{i:05d}"),
                AuditSubject(event=event, object_type="person", object_id=i),
            ])
            FieldChange.objects.bulk_create([
                FieldChange(event=event, object_type="case", object_id=i, field="status", old_value="open",
                            new_value="closed"),
            ])

    append_events([
        (AuditEvent(operation=Operation.CONSULTATION, action="case.view", partnership_id=1, details={"i": i}),
         [AuditSubject(object_type="case", object_id=i)], [])
        for i in range(PRELOAD)
    ])
    for i in range(50):  # warm up
        chained(i)
    timings: dict[str, list[float]] = {"chained": [], "plain": []}
    for i in range(ROUNDS):
        pair = (("chained", chained), ("plain", plain))
        for name, write in pair if i % 2 else reversed(pair):  # neither always goes first
            start = time.perf_counter()
            write(i)
            timings[name].append(time.perf_counter() - start)
    with_chain = statistics.median(timings["chained"]) * 1000
    without = statistics.median(timings["plain"]) * 1000
    total = AuditEvent.objects.count()
    start = time.perf_counter()
    verdict = verify_chain()
    verify_seconds = time.perf_counter() - start
    figures = {
        "database": connection.vendor,
        "rounds": ROUNDS,
        "events_in_log": total,
        "median_ms_per_event_chained": round(with_chain, 3),
        "median_ms_per_event_plain": round(without, 3),
        "chain_cost_ms": round(with_chain - without, 3),
        "ratio": round(with_chain / without, 3),
        # The plain rows carry no hash, so verification stops at the first of them: it times the
        # preloaded part of the log.
        "verified_events": verdict.checked,
        "verify_events_per_second": round(verdict.checked / verify_seconds) if verify_seconds else 0,
    }
    report("audit_chain", **figures)
    return figures


if __name__ == "__main__":
    run()
