"""Writes of the evaluation workbench: extracts (logged disclosures), plans, locks, deviations, runs.

Every function takes the acting user and writes its audit entry in the same
transaction. Refusals are ValidationErrors with a message for the page.
"""

from __future__ import annotations

import hashlib
import json
import math
import subprocess
from dataclasses import asdict
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import transaction
from django.utils import timezone

from masip.access import policy
from masip.accounts.models import User
from masip.audit.actions import AuditAction
from masip.audit.models import Operation
from masip.audit.services import log_event
from masip.core.forms import StaleEdit
from masip.partnerships.models import Partnership, Role

from . import analyses
from . import extract as extract_module
from .models import (
    PLAN_CONTENT_FIELDS,
    AnalysisPlan,
    AnalysisResult,
    AnalysisRun,
    Deviation,
    Evaluation,
    Extract,
    PlanLocked,
    ResultStatus,
    canonical_plan_text,
    sha256_text,
)
from .pseudonymise import ExtractRefused


class PlanNotLocked(ValidationError):
    """Results are computed for locked plans only."""


def evaluator_partnership_ids(user: User) -> list[int]:
    return sorted(pid for pid, m in policy.memberships(user).items() if m.role == Role.EVALUATOR)


def evaluation_create(*, name: str, acting_user: User) -> Evaluation:
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Enter a name for the evaluation"})
    if Evaluation.objects.filter(name=name).exists():
        raise ValidationError({"name": "An evaluation with this name already exists"})
    with transaction.atomic():
        evaluation = Evaluation.objects.create(name=name, created_by=acting_user)
        log_event(actor=acting_user, operation=Operation.COLLECTION, action=AuditAction.EVALUATION_CREATE,
                  subjects=[evaluation], details={"name": name})
    return evaluation


# -- the extract ---------------------------------------------------------------------------------------


def extract_create(
    *, evaluation: Evaluation, purpose: str, file_format: str, coarsen: bool, acting_user: User
) -> Extract:
    """Build, store and log (as a disclosure, per partnership) a pseudonymised extract."""
    purpose = purpose.strip()
    if not purpose:
        raise ValidationError({"purpose": "Enter why the extract is needed"})
    if file_format not in extract_module.FORMATS:
        raise ValidationError({"file_format": "Select CSV or Parquet"})
    partnership_ids = evaluator_partnership_ids(acting_user)
    if not partnership_ids:
        raise ValidationError("You are not on the evaluation team of any partnership.")
    try:
        released = extract_module.build_extract(
            partnership_ids=partnership_ids, evaluation_id=str(evaluation.pseudonym_scope), coarsen=coarsen
        )
    except ExtractRefused as refusal:
        raise ValidationError(f"The extract was not released: {refusal}") from refusal
    except ImproperlyConfigured as error:
        raise ValidationError(str(error)) from error
    slugs = sorted(Partnership.objects.filter(pk__in=partnership_ids).values_list("slug", flat=True))
    now = timezone.now()
    content_hash = extract_module.content_hash(released)
    released.manifest = {
        "evaluation": evaluation.name,
        "extracted_at": now.isoformat(),
        "partnerships": slugs,
        "content_sha256": content_hash,
        "format_version": extract_module.EXTRACT_FORMAT_VERSION,
        "k_anonymity": {"k": released.k_report.k, "coarsened": released.k_report.coarsened,
                        "statement": released.k_report.describe()},
        "row_counts": {name: len(t) for name, t in released.tables.items()},
        "dates": "Shifted per perpetrator by a keyed offset of up to 45 days either way; *_month columns are true.",
    }
    payload = extract_module.serialise(released, fmt=file_format)
    with transaction.atomic():
        record = Extract.objects.create(
            evaluation=evaluation, requested_by=acting_user, requested_at=now, purpose=purpose,
            file_format=file_format, partnerships=slugs, content_sha256=content_hash,
            file_sha256=hashlib.sha256(payload).hexdigest(), row_counts=released.manifest["row_counts"],
            k_anonymity=released.k_report.describe(), coarsened=released.k_report.coarsened, payload=payload,
        )
        for partnership_id in partnership_ids:
            log_event(
                actor=acting_user, operation=Operation.DISCLOSURE, action=AuditAction.EVALUATION_EXTRACT,
                partnership=partnership_id, subjects=[record, evaluation], reason=purpose,
                recipient=f"{acting_user.get_full_name() or acting_user.get_username()} (evaluation team)",
                details={"extract": record.pk, "content_sha256": content_hash, "format": file_format,
                         "row_counts": record.row_counts, "coarsened": record.coarsened},
            )
    return record


def extract_download_logged(*, extract: Extract, acting_user: User, path: str = "") -> None:
    """Each download of a stored extract is a disclosure too (the file may go somewhere new)."""
    with transaction.atomic():
        for partnership_id in evaluator_partnership_ids(acting_user):
            log_event(actor=acting_user, operation=Operation.DISCLOSURE, action=AuditAction.EVALUATION_EXTRACT_DOWNLOAD,
                      partnership=partnership_id, subjects=[extract], path=path,
                      recipient=f"{acting_user.get_full_name() or acting_user.get_username()} (evaluation team)",
                      details={"extract": extract.pk, "file_sha256": extract.file_sha256})


# -- plans ---------------------------------------------------------------------------------------------


def _clean_plan(data: dict) -> dict:
    errors = {}
    alpha = data.get("alpha")
    if alpha is None or not 0 < float(alpha) < 0.5:
        errors["alpha"] = "Enter a significance level between 0 and 0.5, like 0.05"
    if data.get("minimum_sample") is None or int(data["minimum_sample"]) < 2:
        errors["minimum_sample"] = "Enter a minimum sample of at least 2"
    for name in ("title", "outcome", "outcome_definition", "population", "comparison", "below_minimum"):
        if not str(data.get(name) or "").strip():
            errors[name] = f"Enter the {name.replace('_', ' ')}"
    if errors:
        raise ValidationError(errors)
    return {name: data[name] for name in PLAN_CONTENT_FIELDS if name in data}


def plan_create(*, evaluation: Evaluation, data: dict, acting_user: User) -> AnalysisPlan:
    content = _clean_plan(data)
    with transaction.atomic():
        plan = AnalysisPlan.objects.create(evaluation=evaluation, created_by=acting_user, **content)
        log_event(actor=acting_user, operation=Operation.COLLECTION, action=AuditAction.EVALUATION_PLAN_CREATE,
                  subjects=[plan], details={"hypothesis": plan.hypothesis})
    return plan


def plan_update(*, plan: AnalysisPlan, data: dict, expected_version: int, acting_user: User) -> AnalysisPlan:
    content = _clean_plan(data)
    with transaction.atomic():
        current = AnalysisPlan.objects.select_for_update().get(pk=plan.pk)
        if current.is_locked:
            raise PlanLocked(f"{current.reference} was locked on {current.locked_at:%d %b %Y}: it cannot be "
                             "edited. Record a deviation with its reason instead.")
        if current.version != expected_version:
            raise StaleEdit("Someone changed this plan after you opened it.", current_version=current.version)
        for name, value in content.items():
            setattr(current, name, value)
        current.version += 1
        current.save()
        log_event(actor=acting_user, operation=Operation.ALTERATION, action=AuditAction.EVALUATION_PLAN_UPDATE,
                  subjects=[current], details={"version": current.version})
    return current


def plan_lock(*, plan: AnalysisPlan, acting_user: User) -> AnalysisPlan:
    with transaction.atomic():
        current = AnalysisPlan.objects.select_for_update().get(pk=plan.pk)
        if current.is_locked:
            raise PlanLocked(f"{current.reference} is already locked.")
        text = canonical_plan_text(current.content(), evaluation_scope=str(current.evaluation.pseudonym_scope))
        current.locked_text = text
        current.locked_sha256 = sha256_text(text)
        current.locked_at = timezone.now()
        current.locked_by = acting_user
        current.save()
        log_event(actor=acting_user, operation=Operation.ALTERATION, action=AuditAction.EVALUATION_PLAN_LOCK,
                  subjects=[current], details={"sha256": current.locked_sha256})
    return current


def plan_deviate(*, plan: AnalysisPlan, field: str, now: Any, reason: str, acting_user: User) -> Deviation:
    if not plan.is_locked:
        raise ValidationError("The plan is not locked yet: edit it instead.")
    if field not in PLAN_CONTENT_FIELDS or field == "hypothesis":
        raise ValidationError({"field": "Select a part of the plan that can deviate"})
    if not reason.strip():
        raise ValidationError({"reason": "Enter the reason for the deviation"})
    with transaction.atomic():
        was = effective_plan(plan).get(field)
        deviation = Deviation.objects.create(plan=plan, field=field, was=was, now=now, reason=reason.strip(),
                                             recorded_by=acting_user)
        log_event(actor=acting_user, operation=Operation.ALTERATION, action=AuditAction.EVALUATION_PLAN_DEVIATION,
                  subjects=[plan], reason=reason, details={"field": field, "deviation": deviation.pk})
    return deviation


def effective_plan(plan: AnalysisPlan) -> dict:
    """The locked specification with the deviations applied in order (the locked text is unchanged)."""
    if not plan.is_locked:
        raise PlanNotLocked(f"{plan.reference} is not locked: no result can be computed for it.")
    spec = json.loads(plan.locked_text)
    for deviation in plan.deviations.all():
        spec[deviation.field] = deviation.now
    return spec


# -- runs ------------------------------------------------------------------------------------------------


def code_version() -> str:
    """`git describe` of the running code where it is a checkout, else the installed package's version."""
    root = Path(__file__).resolve().parents[3]
    try:
        described = subprocess.run(
            ["git", "-C", str(root), "describe", "--always", "--dirty", "--tags"],
            capture_output=True, text=True, timeout=5, check=True,
        ).stdout.strip()
        if described:
            return f"git {described}"
    except (OSError, subprocess.SubprocessError):
        pass
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"masip {version('masip')}"
    except PackageNotFoundError:
        return "unknown"


def result_compute(*, plan: AnalysisPlan, tables: dict) -> analyses.Outcome:
    """One plan's outcome over extract tables; refuses an unlocked plan."""
    return analyses.run_plan(effective_plan(plan), tables)


def _json_safe(value: Any) -> Any:
    """NaN and infinity are not JSON: stored as null (an undefined estimate is shown as missing)."""
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    return value


def analysis_run(*, evaluation: Evaluation, extract: Extract, acting_user: User) -> AnalysisRun:
    """Run every locked plan of the evaluation over the extract; Holm-adjust the family's p-values."""
    if extract.evaluation_id != evaluation.pk:
        raise ValidationError("That extract belongs to another evaluation.")
    plans = list(evaluation.plans.filter(locked_at__isnull=False).prefetch_related("deviations"))
    if not plans:
        raise ValidationError("No plan is locked yet: lock a plan before computing results.")
    tables = extract_module.tables_from_zip(bytes(extract.payload))
    version = code_version()
    outcomes = [(plan, result_compute(plan=plan, tables=tables)) for plan in plans]
    p_values = {
        plan.pk: o.p_value for plan, o in outcomes if o.status == ResultStatus.COMPUTED and o.p_value is not None
    }
    from .stats import holm

    adjusted = dict(zip(p_values, holm(list(p_values.values())), strict=True))
    with transaction.atomic():
        run = AnalysisRun.objects.create(evaluation=evaluation, extract=extract, run_by=acting_user,
                                         code_version=version)
        for plan, outcome in outcomes:
            fields = _json_safe(asdict(outcome))
            AnalysisResult.objects.create(
                run=run, plan=plan, plan_sha256=plan.locked_sha256,
                deviation_ids=[d.pk for d in plan.deviations.all()],
                extract_sha256=extract.content_sha256, extract_at=extract.requested_at, code_version=version,
                p_holm=adjusted.get(plan.pk), **fields,
            )
        log_event(actor=acting_user, operation=Operation.COMBINATION, action=AuditAction.EVALUATION_RUN,
                  subjects=[run, extract], details={"plans": [p.pk for p in plans], "code_version": version})
    return run
