"""Nothing typed into any form, or put in any query string, gives a server error.

Every URL the project routes (the URL resolver; Django's admin aside) is opened as a persona
the declared access policy lets in (access/policy_table.py). What it reads is discovered,
not listed by hand: the forms and links of every page (resolved to the URL they go to) and
the GET and POST keys each view asks for (a recording middleware). Hypothesis then sends each
URL MASIP_FUZZ_EXAMPLES requests per method (default 6, from a seed fixed per URL: every run
sends the same requests, however loaded the machine),
mixing the values the pages offer with nonsense - non-ASCII digits, numbers past 64 bits, NUL,
markup, very long text, repeated keys - sometimes as htmx requests. Each request runs in a
savepoint that is rolled back, so every example starts from the same records.

Fails on any 500 (the test client re-raises the view's exception) and lists every URL that
failed, with the request that did it. Admin pages and the API's JSON bodies are fuzzed
elsewhere (access/admin tests; api/tests/test_schemathesis.py).
"""

from __future__ import annotations

import faulthandler
import os
import time
import traceback
import zlib
from collections import Counter, defaultdict
from urllib.parse import urlencode

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

from masip.access.policy_table import PERSONAS, POLICY
from masip.access.tests.test_policy_table import ARGS, url_names
from tests.robustness.discovery import READS, RecordReadsMiddleware, Site

EXAMPLES = int(os.environ.get("MASIP_FUZZ_EXAMPLES", "6"))
SLOW_VIEW_SECONDS = 1.0
HANG_SECONDS = 300  # one request this long is stuck: print every thread's stack and stop

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


def personas_for(name: str) -> list[str]:
    """Who may use the URL, best first: the first opens it for the query-string fuzz; each of
    them may see different forms (the "why are you opening this case?" form, the sign-in form)."""
    row = POLICY.get(name, {})
    allowed = [p for p in PREFERENCE if row.get(p) in ("ok", "post_only")]
    return allowed[:3] + (["anonymous"] if "anonymous" in allowed[3:] else []) or ["police"]


def targets():
    for name, _pattern in url_names():
        if name.startswith("admin:"):
            continue
        yield name


def value_strategy(offered: list[str] | set[str], ids):
    offered = sorted(set(offered))
    return st.one_of(st.sampled_from(offered), nonsense, ids) if offered else st.one_of(nonsense, ids)


def params_strategy(fields: dict[str, list[str] | set[str]], ids, *, base: dict[str, list[str]] | None = None):
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
    ids = st.sampled_from(sorted({str(v) for kwargs in world.values() for v in kwargs.values() if isinstance(v, int)}
                                 | {str(u.pk) for u in staff.values()}))

    def sign_in(persona):
        client.logout()
        if PERSONAS[persona]:
            client.force_login(staff[PERSONAS[persona]])

    def discovered(method, name, persona, data=None):
        """One request in a savepoint that is rolled back; a server error is recorded as a failure."""
        with transaction.atomic():
            sign_in(persona)
            try:
                return client.get(urls[name]) if method == "GET" else client.post(urls[name], data or {})
            except Exception:
                failures.append(f"{name} {method} as {persona}, discovering {data!r}:\n{traceback.format_exc(limit=-3)}")
            finally:
                transaction.set_rollback(True)

    # 1. Discover: open every page as each persona allowed, read its forms and links, and send
    #    each form as the page fills it in; the middleware records what each view reads.
    site, slow, failures, sent, slowest = Site(), set(), [], Counter(), []
    for name in urls:
        for persona in personas_for(name):
            if POLICY.get(name, {}).get(persona) == "post_only":
                discovered("POST", name, persona)
                continue
            started = time.perf_counter()
            response = discovered("GET", name, persona)
            if time.perf_counter() - started > SLOW_VIEW_SECONDS:
                slow.add(name)
            if response is not None and "html" in response.get("Content-Type", ""):
                site.read_page(response.content.decode(errors="replace"), urls[name], persona)
    for name in urls:
        for form in site.forms.get(name, []):
            discovered("POST", name, form.persona, {k: v[:1] or plausible(k)[:1] for k, v in form.fields.items()})

    if os.environ.get("MASIP_FUZZ_DUMP"):  # what was found, for whoever extends this test
        with open(os.environ["MASIP_FUZZ_DUMP"], "w") as dump:
            for n in urls:
                print(n, personas_for(n), "GET:", sorted({*site.query.get(n, {}), *READS.get.get(n, set())}),
                      "POST read:", sorted(READS.post.get(n, set())),
                      "forms:", [(f.persona, sorted(f.fields)) for f in site.forms.get(n, [])], file=dump)

    # 2. Fuzz every URL's query parameters and every form it receives.
    def fuzz(name, persona, method, strategy, examples):
        @settings(max_examples=examples, deadline=None, database=None,
                  phases=[Phase.explicit, Phase.generate],  # no shrinking: each example is a request
                  suppress_health_check=list(HealthCheck))
        @seed(zlib.crc32(f"{name} {persona} {method}".encode()))  # the same requests every run, per URL
        @given(request=strategy)
        def send(request):
            query, body, htmx = request
            with transaction.atomic():
                if name.startswith("accounts:"):  # signing in or out changes the session: start afresh
                    sign_in(persona)
                headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
                sent[method] += 1
                path = urls[name] + ("?" + urlencode([(k, v) for k, vs in query.items() for v in vs]) if query else "")
                # A request that hangs prints where it is stuck (a hang is a defect too).
                faulthandler.dump_traceback_later(HANG_SECONDS, exit=True)
                began = time.perf_counter()
                try:
                    response = client.get(path, **headers) if method == "GET" else client.post(path, body, **headers)
                    slowest.append((time.perf_counter() - began, f"{method} {path[:120]!r} data={str(body)[:200]}"))
                    assert response.status_code < 500, f"status {response.status_code}"
                except Exception as exc:
                    where = traceback.extract_tb(exc.__traceback__)[-1]
                    raise AssertionError(
                        f"{type(exc).__name__}: {exc} at {where.filename}:{where.lineno}\n"
                        f"    {method} {path!r} as {persona} {'(htmx) ' if htmx else ''}data={body!r}"
                    ) from exc
                finally:
                    faulthandler.cancel_dump_traceback_later()
                    transaction.set_rollback(True)

        sign_in(persona)
        try:
            send()
        except Exception as exc:
            failures.append(f"{name} {method}: {exc}"[:3000])

    started = time.perf_counter()
    htmx = st.booleans()
    for name in urls:
        examples = EXAMPLES  # not fewer for slow views: how loaded the machine is must not change what is sent
        first = personas_for(name)[0]
        query_keys = {key: set(values) for key, values in site.query.get(name, {}).items()}
        for key in READS.get.get(name, set()):
            query_keys.setdefault(key, set())
        if POLICY.get(name, {}).get(first) != "post_only":
            fuzz(name, first, "GET", st.tuples(params_strategy(query_keys, ids), st.just({}), htmx), examples)
        forms_by_persona = defaultdict(list)
        for form in site.forms.get(name, []):
            forms_by_persona[form.persona].append(form)
        if not forms_by_persona and READS.post.get(name):
            forms_by_persona[first] = [None]
        query = st.one_of(st.just({}), params_strategy({k: set() for k in READS.get.get(name, set())}, ids))
        for persona, variants in forms_by_persona.items():
            bodies = []
            for form in variants:  # built once: strategies made per example are slow to validate
                fields = {k: [*v, *plausible(k)] for k, v in (form.fields.items() if form else [])}
                for key in READS.post.get(name, set()):
                    fields.setdefault(key, plausible(key))
                bodies.append(params_strategy(fields, ids, base={k: v[:1] for k, v in fields.items()}))
            fuzz(name, persona, "POST", st.tuples(query, st.one_of(*bodies), htmx), examples)
    seconds = time.perf_counter() - started

    forms = [f for variants in site.forms.values() for f in variants]
    query_keys = {(n, k) for n in urls for k in {*site.query.get(n, {}), *READS.get.get(n, set())}}
    print(f"\nfuzzed {len(urls)} URLs: {len(forms)} forms ({sum(len(f.fields) for f in forms)} fields) and "
          f"{len(query_keys)} query parameters found; {sent['GET']} GET and {sent['POST']} POST requests "
          f"in {seconds:.0f} s (views slower than {SLOW_VIEW_SECONDS:.0f} s to open: {sorted(slow)})")
    print("slowest requests:", *(f"{t:.1f} s {what}" for t, what in sorted(slowest, reverse=True)[:3]), sep="\n  ")
    assert len(urls) > 70 and sent["GET"] and sent["POST"]
    assert not failures, f"{len(failures)} server errors:\n\n" + "\n\n".join(failures)
