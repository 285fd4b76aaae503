"""The demo's programme records match the report's first return."""

from __future__ import annotations

import random
from datetime import date

from django.db.models import Sum

from masip.reporting.models import CollectionBasis, Post, TrainingEvent
from masip.reporting.staffing import caseload_on

TODAY = date(2026, 11, 27)


def test_training_and_staffing_as_the_report_describes(partnerships, staff):
    from masip.demo.reporting import seed_reporting
    from masip.reporting import selectors

    seed_reporting(partnerships, rng=random.Random(7), today=TODAY)
    outward = TrainingEvent.objects.filter(direction="outward")
    totals = {slug: outward.filter(partnership__slug=slug).aggregate(n=Sum("number_trained"))["n"]
              for slug in ("cheshire", "hampshire", "london")}
    assert totals == {"cheshire": 1193, "hampshire": 930, "london": 110}
    assert not outward.filter(partnership__slug="cheshire", number_is_lower_bound=True).exists()
    assert not outward.filter(partnership__slug="hampshire", number_is_lower_bound=False).exists()
    assert all(set(e.audience_kinds) <= {"probation", "crc"} for e in outward.filter(partnership__slug="london"))
    assert CollectionBasis.objects.get(partnership__slug="hampshire", figure="victims_supported").collected is False
    for slug, partnership in partnerships.items():
        load = selectors.caseload(partnership, TODAY)
        assert len(load.vacant_posts) == 1, slug
        assert any(p.holdings.count() == 2 for p in Post.objects.filter(partnership=partnership)), slug
        assert load.fte_in_post > 0
    assert caseload_on(TODAY, posts=[], holdings=[], cases=[]).per_fte is None
