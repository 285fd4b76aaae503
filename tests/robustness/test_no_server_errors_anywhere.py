"""Nothing typed into any form, or put in any query string, gives a server error.

Every URL the project routes (the URL resolver; Django's admin aside) is opened as a persona
the declared access policy lets in (access/policy_table.py). What it reads is discovered,
not listed by hand: the forms and links of every page (resolved to the URL they go to) and
the GET and POST keys each view asks for (a recording middleware). Hypothesis then sends each
URL MASIP_FUZZ_EXAMPLES requests per method (default 6; fewer for views slower than a second),
mixing the values the pages offer with nonsense - non-ASCII digits, numbers past 64 bits, NUL,
markup, very long text, repeated keys - sometimes as htmx requests. Each request runs in a
savepoint that is rolled back, so every example starts from the same records.

Fails on any 500 (the test client re-raises the view's exception) and lists every URL that
failed, with the request that did it. Admin pages and the API's JSON bodies are fuzzed
elsewhere (access/admin tests; api/tests/test_schemathesis.py).
"""

from __future__ import annotations

import os
import time
import traceback
from collections import Counter

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from masip.access.policy_table import PERSONAS, POLICY
from masip.access.tests.test_policy_table import ARGS, url_names
from tests.robustness.discovery import READS, RecordReadsMiddleware, Site

EXAMPLES = int(os.environ.get("MASIP_FUZZ_EXAMPLES", "6"))
SLOW_VIEW_SECONDS = 1.0

# Who opens each URL: the first of these the policy table lets in.
PREFERENCE = ["police", "manager", "advocate", "health", "other", "pmo", "evaluator", "anonymous"]

NONSENSE = [
    "", " ", "0", "-1", "1", "2", "²", "١٢", "１２", "99999999999999999999", "-99999999999999999999",
    "9" * 400, "1e309", "NaN", "inf", "-0", "2.5", "0x10", "\x00", "a\x00b", "x" * 5000, "<script>alert(1)</script>",
    "' OR 1=1--", "%", "%00", "../../etc/passwd", "\u202eevil", "🙂", "null", "true", "[]", "{}", "29", "31", "13",
    "2026-02-30", "30/02/2026", "9999", "0000", "new", "all", "mine", "save", "yes", "no", "on", "off",
]
nonsense = st.one_of(
    st.sampled_from(NONSENSE),
    st.text(max_size=30),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.from_regex(r"[0-9]{1,25}", fullmatch=True),
)


def persona_for(name: str) -> str | None:
    row = POLICY.get(name, {})
    return next((p for p in PREFERENCE if row.get(p) in ("ok", "post_only")), "police")


def targets():
    for name, _pattern in url_names():
        if name.startswith("admin:"):
            continue
        yield name


def value_strategy(offered: list[str] | set[str], ids: list[str]):
    offered = sorted(v for v in offered if isinstance(v, str))
    choices = [nonsense, st.sampled_from(ids)]
    if offered:
        choices.insert(0, st.sampled_from(offered))
    return st.one_of(*choices)


def params_strategy(fields: dict[str, list[str] | set[str]], ids: list[str], *, base: dict[str, list[str]] | None = None):
    """A dict of key -> list of values: the base (what the page would send) with some keys
    changed to offered values or nonsense, some dropped, some repeated."""
    base = base or {}
    keys = sorted(set(fields) | set(base))
    if not keys:
        return st.just({})

    def one_key(key):
        values = value_strategy(fields.get(key, []), ids)
        return st.one_of(
            st.just(base.get(key, [])),  # as the page would send it (or absent)
            values.map(lambda v: [v]),
            st.lists(values, min_size=2, max_size=3),
            st.just(None),  # left out
        )

    return st.fixed_dictionaries({key: one_key(key) for key in keys}).map(
        lambda d: {k: v for k, v in d.items() if v}
    )


def plausible(name: str) -> list[str]:
    """Values that get a typical GOV.UK form past its first checks, so nonsense reaches deeper."""
    today = timezone.localdate()
    if name.endswith("_0"):
        return [str(today.day), "1"]
    if name.endswith("_1"):
        return [str(today.month), "1"]
    if name.endswith("_2"):
        return [str(today.year), str(today.year - 1)]
    return ["A note typed by a practitioner.", "1"]


@pytest.fixture
def recording(settings):
    settings.MIDDLEWARE = ["tests.robustness.discovery.RecordReadsMiddleware", *settings.MIDDLEWARE]
    READS.get.clear()
    READS.post.clear()
    return RecordReadsMiddleware


def test_no_input_to_any_page_gives_a_server_error(client, staff, world, recording):
    client.raise_request_exception = True  # a view's exception fails the test with its traceback
    urls = {name: reverse(name, kwargs=world[ARGS[name]] if name in ARGS else {}) for name in targets()}
    ids = sorted({str(v) for kwargs in world.values() for v in kwargs.values() if isinstance(v, int)}
                 | {str(u.pk) for u in staff.values()})

    def sign_in(name):
        username = PERSONAS[persona_for(name)]
        client.logout()
        if username:
            client.force_login(staff[username])

    # 1. Discover: open every page as someone allowed, read its forms and links, post each form as
    #    the page fills it in; the middleware records what each view reads.
    site, slow, failures, sent = Site(), set(), [], Counter()
    for name, url in urls.items():
        with transaction.atomic():
            sign_in(name)
            started = time.perf_counter()
            try:
                response = client.get(url)
            except Exception:
                failures.append(f"GET {url} ({name}) as discovered\n{traceback.format_exc(limit=-3)}")
                transaction.set_rollback(True)
                continue
            if time.perf_counter() - started > SLOW_VIEW_SECONDS:
                slow.add(name)
            if "html" in response.get("Content-Type", ""):
                site.read_page(response.content.decode(errors="replace"), url)
            transaction.set_rollback(True)
    for name in urls:
        for form in site.forms.get(name, []):
            with transaction.atomic():
                sign_in(name)
                data = {k: v[:1] or plausible(k)[:1] for k, v in form.fields.items()}
                try:
                    client.post(urls[name], data)
                except Exception:
                    failures.append(f"POST {urls[name]} ({name}) {data!r} as the page fills it in\n"
                                    f"{traceback.format_exc(limit=-3)}")
                transaction.set_rollback(True)

    # 2. Fuzz every URL's query parameters and every form it receives.
    def fuzz(name, method, strategy, examples):
        @settings(max_examples=examples, deadline=None, database=None,
                  phases=[Phase.explicit, Phase.generate],  # no shrinking: each example is a request
                  suppress_health_check=list(HealthCheck))
        @given(request=strategy)
        def send(request):
            query, body, htmx = request
            with transaction.atomic():
                sign_in(name)
                headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
                sent[method] += 1
                path = urls[name] + ("?" + _encode(query) if query else "")
                try:
                    response = client.get(path, **headers) if method == "GET" else client.post(path, body, **headers)
                    assert response.status_code < 500, f"status {response.status_code}"
                except Exception as exc:
                    where = traceback.extract_tb(exc.__traceback__)[-1]
                    raise AssertionError(
                        f"{type(exc).__name__}: {exc} at {where.filename}:{where.lineno}\n"
                        f"    {method} {path!r} {'(htmx) ' if htmx else ''}data={body!r}"
                    ) from exc
                finally:
                    transaction.set_rollback(True)

        try:
            send()
        except Exception as exc:
            failures.append(f"{name} {method}: {exc}"[:3000])

    started = time.perf_counter()
    for name in urls:
        examples = EXAMPLES if name not in slow else max(2, EXAMPLES // 3)
        query_fields = {key: set(values) for key, values in site.query.get(name, {}).items()}
        for key in READS.get.get(name, set()) | READS.post.get(name, set()):
            query_fields.setdefault(key, set())
        htmx = st.booleans()
        if POLICY.get(name, {}).get(persona_for(name)) != "post_only":
            fuzz(name, "GET", st.tuples(params_strategy(query_fields, ids), st.just({}), htmx), examples)
        forms = site.forms.get(name, [])
        posted_keys = READS.post.get(name, set())
        if forms or posted_keys:
            variants = forms or [None]

            def body_for(form, posted_keys=posted_keys):
                fields = {k: [*v, *plausible(k)] for k, v in (form.fields.items() if form else [])}
                for key in posted_keys:
                    fields.setdefault(key, plausible(key))
                base = {k: v[:1] for k, v in fields.items()}
                return params_strategy(fields, ids, base=base)

            body = st.sampled_from(variants).flatmap(body_for)
            query = st.one_of(st.just({}), params_strategy({k: set() for k in READS.get.get(name, set())}, ids))
            fuzz(name, "POST", st.tuples(query, body, htmx), examples)
    seconds = time.perf_counter() - started

    print(f"\nfuzzed {len(urls)} URLs with {sent['GET']} GET and {sent['POST']} POST requests in {seconds:.0f} s "
          f"({len(slow)} slow views at fewer examples: {sorted(slow)})")
    assert len(urls) > 70 and sent["GET"] and sent["POST"]
    assert not failures, f"{len(failures)} server errors:\n\n" + "\n\n".join(failures)


def _encode(query: dict[str, list[str]]) -> str:
    from urllib.parse import urlencode

    return urlencode([(k, v) for k, values in query.items() for v in values])
