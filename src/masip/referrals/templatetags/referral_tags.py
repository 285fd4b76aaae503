from django import template

from masip.referrals.choices import Behaviour, ReferralStatus

register = template.Library()

_STATUS_COLOURS: dict[str, str] = {
    ReferralStatus.UNTRIAGED: "govuk-tag--yellow",
    ReferralStatus.ACCEPTED: "govuk-tag--green",
    ReferralStatus.ADVICE: "govuk-tag--blue",
    ReferralStatus.SIGNPOSTED: "govuk-tag--purple",
    ReferralStatus.CLOSED: "govuk-tag--grey",
}


@register.filter
def behaviour_labels(values) -> str:
    labels = dict(Behaviour.choices)
    return ", ".join(str(labels.get(v, v)) for v in values or []) or "None recorded"


@register.filter
def status_tag_class(status: str) -> str:
    return _STATUS_COLOURS.get(status, "govuk-tag--grey")
