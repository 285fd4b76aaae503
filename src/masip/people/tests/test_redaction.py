"""Redaction rules on plain text (no database)."""

from __future__ import annotations

from masip.people.redaction import Identifiers, Redactor, ThirdParty

HELEN = ThirdParty(
    "Third party 1",
    "victim in LON-R00001",
    Identifiers(
        names=("Helen Marsh", "Nell Ashby"),
        addresses=("14 Larch Close, Croydon CR0 1AA",),
        phones=("07700900555",),
        emails=("helen.marsh@example.org",),
        references=("943 476 5919",),
    ),
)
RYAN = Identifiers(names=("Ryan Marsh",), phones=("07700 900111",), emails=("ryan@example.net",),
                   addresses=("3 Oak Road, Leeds LS1 4AB",))


def redact(text, own=RYAN):
    return Redactor.for_people([HELEN], own=own)(text, where="summary")


def test_the_issue_example_keeps_neither_the_address_nor_the_number():
    text = "Helen has moved to 14 Larch Close, Croydon CR0 1AA; her new mobile is 07700 900555"
    assert redact(text) == "[third party] has moved to [address]; her new mobile is [phone number]"


def test_identifiers_are_found_whatever_the_case_and_spacing():
    text = (
        "HELEN  marsh, aka nell\nashby, lives at 14   LARCH close (cr01aa), "
        "rang from +44 (0)7700 900 555 and 0770-090-0555, wrote from Helen.Marsh@Example.org; NHS 9434765919"
    )
    out = redact(text)
    for fragment in ("helen", "marsh", "nell", "ashby", "larch", "cr0", "7700", "example.org", "943"):
        assert fragment not in out.lower(), (fragment, out)


def test_the_street_without_its_number_and_the_postcode_alone_are_hers_too():
    assert redact("seen on Larch Close near CR0 1AA") == "seen on [address] near [postcode]"


def test_the_subjects_own_details_stay_and_a_shared_family_name_is_not_redacted_alone():
    out = redact("Ryan Marsh (07700 900111, ryan@example.net, LS1 4AB) and Helen Marsh; the Marsh family")
    assert out == "Ryan Marsh (07700 900111, ryan@example.net, LS1 4AB) and [third party]; the Marsh family"


def test_anyone_elses_postcode_phone_and_email_are_redacted_by_pattern():
    out = redact("Her sister in SW1A 2AA, on 020 7946 0018 or sis@example.com, and +447700900999")
    assert out == "Her sister in [postcode], on [phone number] or [email address], and [phone number]"


def test_words_that_only_contain_a_name_are_left_alone():
    assert redact("Helena at Marshall's helpline") == "Helena at Marshall's helpline"


def test_references_and_dates_are_not_taken_for_phone_numbers_or_postcodes():
    text = "LON-R00001 on 2026-11-20, crime 4401234/26, PNC 2019/0012345X, case LON-C00001"
    assert redact(text) == text


def test_the_report_says_what_was_replaced_and_why_but_never_the_value():
    redactor = Redactor.for_people([HELEN], own=RYAN)
    redactor("Helen rang from 07700900555", where="LON-R00001: what was reported")
    redactor("Helen again, and SW1A 2AA", where="LON-R00001: incident")
    report = redactor.report()
    assert {"where": "LON-R00001: what was reported", "what": "phone", "whose": "Third party 1",
            "why": "their phone number, as held", "times": 1} in report
    assert {"where": "LON-R00001: incident", "what": "postcode", "whose": "anyone",
            "why": "looks like a UK postcode, and is not the subject's own", "times": 1} in report
    assert "0770" not in str(report) and "Helen" not in str(report) and "SW1A" not in str(report)


def test_an_international_number_typed_without_its_plus_is_still_hers():
    assert redact("rang from 447700900555, then 44 7700 900 999") == "rang from [phone number], then [phone number]"


def test_digits_of_a_number_spaced_any_way_are_still_hers():
    assert redact("4 4770 09005 5 5 and 0 7 7 0 0-9 0 0-5 5 5") == "[phone number] and [phone number]"
