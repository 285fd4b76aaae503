"""Records of programme reporting in London, for the declared access policy test
(access/tests/test_policy_table.py): one of each kind of record a reporting URL names."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

ARGS = {
    "reporting:training_list": "slug",
    "reporting:training_add": "slug",
    "reporting:training_correct": "training",
    "reporting:consultancy_list": "slug",
    "reporting:consultancy_add": "slug",
    "reporting:consultancy_correct": "consultancy",
    "reporting:staffing": "slug",
    "reporting:post_add": "slug",
    "reporting:post_edit": "post",
    "reporting:holding_add": "post",
    "reporting:holding_edit": "holding",
    "reporting:returns": "slug",
    "reporting:collection": "slug",
    "reporting:return_detail": "return",
    "reporting:return_file": "return",
    "reporting:return_records": "return_figure",
    "reporting:return_export": "return_export",
    "reporting:programme_return": "quarter",
    "reporting:programme_export": "quarter_export",
    "reporting:dashboard": "slug",
}


def reporting_world(*, partnership, staff) -> dict[str, dict]:
    from masip.partnerships.models import Agency
    from masip.reporting import services
    from masip.reporting.periods import Quarter

    today = timezone.localdate()
    manager = staff["london-manager"]
    training = services.training_record(
        partnership=partnership, acting_user=staff["london-police"],
        data=services.TrainingInput(direction="outward", held_on=today - timedelta(days=3), topic="Stalking awareness",
                                    trainer="DS Okafor", place="Lambeth", audience_kinds=["police"], number_trained=24),
    )
    consultancy = services.consultancy_record(
        partnership=partnership, acting_user=staff["london-police"],
        data=services.ConsultancyInput(kind="oic_advice", agency_kind="police", agency_name="", given_on=today),
    )
    post = services.post_create(
        partnership=partnership, acting_user=manager,
        data=services.PostInput(agency=Agency.objects.get(name="Metropolitan Police Service"), role="Detective sergeant",
                                programme_funded=True, fte=Decimal("1"), starts_on=today - timedelta(days=400)),
    )
    holding = services.holding_add(
        post=post, acting_user=manager,
        # Left the post: a new holder may be added today (the forged-ids test fills the form in).
        data=services.HoldingInput(user=staff["london-police"], holder_name="", starts_on=today - timedelta(days=400),
                                   ends_on=today - timedelta(days=200)),
    )
    quarter = Quarter.containing(today).previous().code
    return {
        "training": {"pk": training.pk},
        "consultancy": {"pk": consultancy.pk},
        "post": {"pk": post.pk},
        "holding": {"pk": holding.pk},
        "return": {"slug": partnership.slug, "quarter": quarter},
        "return_figure": {"slug": partnership.slug, "quarter": quarter, "figure": "referrals"},
        "return_export": {"slug": partnership.slug, "quarter": quarter, "fmt": "csv"},
        "quarter": {"quarter": quarter},
        "quarter_export": {"quarter": quarter, "fmt": "csv"},
    }


# For tests/test_personal_data_logged.py's walk over the demo data: the record each reporting URL
# parameter names (by the route segment before it), and London's records of each kind.
WALK_SEGMENTS = {
    ("training", "pk"): "training",
    ("consultancy", "pk"): "consultancy",
    ("posts", "pk"): "post",
    ("holders", "pk"): "holding",
    ("returns", "quarter"): "quarter",
    ("figures", "figure"): "figure",
    ("export.", "fmt"): "fmt",
}


def walk_records() -> dict[str, object]:
    from types import SimpleNamespace

    from masip.reporting.models import Consultancy, PostHolding, TrainingEvent
    from masip.reporting.periods import Quarter

    london = {"partnership__slug": "london"}
    holding = PostHolding.objects.filter(post__partnership__slug="london").select_related("post").first()
    return {
        "training": TrainingEvent.objects.filter(**london).first(),
        "consultancy": Consultancy.objects.filter(**london).first(),
        "post": holding.post,
        "holding": holding,
        # Not records: the values a URL takes (the walk reads .pk).
        "quarter": SimpleNamespace(pk=Quarter.containing(timezone.localdate()).previous().code),
        "figure": SimpleNamespace(pk="referrals"),
        "fmt": SimpleNamespace(pk="csv"),
    }
