"""Writes of the record-quality app: the checker settings, the moderation rubric and sample, and
moderations with their acknowledgement."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from tenancy.access import Access
from tenancy.audit import Action, audit_write, snapshot
from tenancy.concurrency import EditConflict, save_if_unchanged

from .models import (
    DEFAULT_CRITERIA,
    Moderation,
    ModerationScore,
    ModerationSettings,
    QualitySettings,
    RubricCriterion,
    SampleMode,
)
from .selectors import can_edit_rubric, can_edit_settings


@transaction.atomic
def quality_settings_update(
    *,
    access: Access,
    version: int | None,
    banned_phrases: str,
    accepted_words: str,
    disclosure_phrases: str | None = None,
) -> QualitySettings:
    """Save the organisation's extra phrases, accepted words and (when given) disclosure language
    (created on first save)."""
    if not can_edit_settings(access):
        raise PermissionDenied("Only managers and organisation admins change these settings.")
    return _org_settings_save(
        QualitySettings,
        access=access,
        version=version,
        values={
            "banned_phrases": banned_phrases,
            "accepted_words": accepted_words,
            **({} if disclosure_phrases is None else {"disclosure_phrases": disclosure_phrases}),
        },
    )


def _org_settings_save(model, *, access: Access, version: int | None, values: dict):
    """Create or update an organisation's one row of ``model`` (a Versioned settings model with
    ``updated_by``), refusing a stale version, audited."""
    org_id = access.organisation.pk
    current = model.objects.select_for_update().filter(organisation_id=org_id).first()
    if current is None:
        if version is not None:
            raise EditConflict()  # the form was shown for a record that no longer exists
        try:
            with transaction.atomic():
                current = model.objects.create(
                    organisation_id=org_id, updated_by=access.user, **values
                )
        except IntegrityError:
            raise EditConflict()  # someone else saved the first settings a moment earlier
        audit_write(actor=access.user, action=Action.CREATE, instance=current, before=None)
        return current
    before = snapshot(current)
    for name, value in values.items():
        setattr(current, name, value)
    current.updated_by = access.user
    save_if_unchanged(current, version, [*values, "updated_by"])
    audit_write(actor=access.user, action=Action.UPDATE, instance=current, before=before)
    return current


# ------------------------------------------------------------------------------- moderation


def _require_rubric_editor(access: Access) -> None:
    if not can_edit_rubric(access):
        raise PermissionDenied("Only moderators, managers and organisation admins edit the rubric.")


def rubric_ensure(*, organisation_id: int) -> None:
    """Give an organisation the six default criteria the first time anyone looks at its rubric."""
    if RubricCriterion.objects.exists():
        return
    RubricCriterion.objects.bulk_create(
        [
            RubricCriterion(
                organisation_id=organisation_id, name=name, description=description, position=n
            )
            for n, (name, description) in enumerate(DEFAULT_CRITERIA, start=1)
        ],
        ignore_conflicts=True,
    )


def _clean_name(name: str, *, exclude_pk: int | None = None) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": "Give the criterion a name."})
    if len(name) > 80:
        raise ValidationError({"name": "Keep the name under 80 characters."})
    clash = RubricCriterion.objects.filter(name__iexact=name)
    if exclude_pk:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise ValidationError({"name": f"“{name}” is already a criterion (perhaps archived)."})
    return name


@transaction.atomic
def rubric_criterion_add(*, access: Access, name: str, description: str = "") -> RubricCriterion:
    _require_rubric_editor(access)
    rubric_ensure(organisation_id=access.organisation.pk)
    name = _clean_name(name)
    last = RubricCriterion.objects.order_by("-position").values_list("position", flat=True).first()
    criterion = RubricCriterion.objects.create(
        organisation_id=access.organisation.pk,
        name=name,
        description=" ".join(description.split())[:300],
        position=(last or 0) + 1,
    )
    audit_write(actor=access.user, action=Action.CREATE, instance=criterion, before=None)
    return criterion


@transaction.atomic
def rubric_criterion_update(
    *, access: Access, criterion: RubricCriterion, name: str, description: str
) -> RubricCriterion:
    _require_rubric_editor(access)
    before = snapshot(criterion)
    criterion.name = _clean_name(name, exclude_pk=criterion.pk)
    criterion.description = " ".join(description.split())[:300]
    criterion.save(update_fields=["name", "description"])
    audit_write(actor=access.user, action=Action.UPDATE, instance=criterion, before=before)
    return criterion


def _require_another_active(criterion: RubricCriterion) -> None:
    if not RubricCriterion.objects.filter(is_archived=False).exclude(pk=criterion.pk).exists():
        raise ValidationError("The rubric needs at least one criterion: add another first.")


@transaction.atomic
def rubric_criterion_archive(
    *, access: Access, criterion: RubricCriterion, archived: bool
) -> RubricCriterion:
    """Archived criteria are no longer scored; moderations that used them keep their scores."""
    _require_rubric_editor(access)
    if archived and not criterion.is_archived:
        _require_another_active(criterion)
    before = snapshot(criterion)
    criterion.is_archived = archived
    criterion.save(update_fields=["is_archived"])
    audit_write(actor=access.user, action=Action.UPDATE, instance=criterion, before=before)
    return criterion


@transaction.atomic
def rubric_criterion_delete(*, access: Access, criterion: RubricCriterion) -> None:
    """Only a criterion no moderation has used can be deleted; a used one is archived instead."""
    _require_rubric_editor(access)
    if ModerationScore.objects.filter(criterion=criterion).exists():
        raise ValidationError(
            f"“{criterion.name}” has been used in moderations, so it cannot be deleted: archive "
            "it instead (earlier moderations keep their scores)."
        )
    if not criterion.is_archived:
        _require_another_active(criterion)
    audit_write(
        actor=access.user,
        action=Action.RETRACT,
        instance=criterion,
        before=snapshot(criterion),
        summary=f"Deleted rubric criterion “{criterion.name}”",
    )
    criterion.delete()


@transaction.atomic
def moderation_settings_update(
    *, access: Access, version: int | None, sample_mode: str, sample_every: int
) -> ModerationSettings:
    _require_rubric_editor(access)
    if sample_mode not in SampleMode.values:
        raise ValidationError({"sample_mode": "Choose every record or one in N."})
    if not 2 <= int(sample_every) <= 20:
        raise ValidationError({"sample_every": "N is a whole number from 2 to 20."})
    return _org_settings_save(
        ModerationSettings,
        access=access,
        version=version,
        values={"sample_mode": sample_mode, "sample_every": int(sample_every)},
    )


@transaction.atomic
def moderation_record(
    *,
    access: Access,
    session,
    record_version: int,
    scores: dict[int, int],
    feedback: str,
    send_back: bool = False,
) -> Moderation:
    """Score one version of a submitted record against the rubric, with written feedback. With
    ``send_back`` the key worker is asked to correct it (the sessions app's correction makes the
    new version, which comes back to the queue)."""
    from sessions_app.models import KeyWorkSession

    site_id = session.child.site_id
    if site_id not in access.moderated_site_ids:
        raise PermissionDenied("Only a moderator of this site can moderate its records.")
    if session.author_id == access.user.pk:
        raise PermissionDenied("Another moderator reviews your own records.")
    session = KeyWorkSession.objects.select_for_update().get(pk=session.pk)
    if session.status not in KeyWorkSession.COUNTED:
        raise ValidationError("Only a submitted record can be moderated.")
    if record_version != session.record_version:
        raise ValidationError(
            f"The record has changed since you opened it (now version {session.record_version}): "
            "read it again before scoring it."
        )
    if Moderation.objects.filter(session=session, record_version=record_version).exists():
        raise ValidationError("This version of the record has already been moderated.")
    active = [c for c in RubricCriterion.objects.filter(is_archived=False)]
    errors = {}
    for criterion in active:
        value = scores.get(criterion.pk)
        if value is None:
            errors[f"criterion_{criterion.pk}"] = f"Score “{criterion.name}” from 1 to 4."
        elif not (isinstance(value, int) and 1 <= value <= 4):
            errors[f"criterion_{criterion.pk}"] = f"“{criterion.name}” is scored 1 to 4."
    unknown = set(scores) - {c.pk for c in active}
    if unknown:
        errors["__all__"] = "A score was given for a criterion that is not on the rubric."
    feedback = (feedback or "").strip()
    if not feedback:
        errors["feedback"] = "Write feedback for the key worker: what went well, what to improve."
    elif len(feedback) > 5000:
        errors["feedback"] = "Keep the feedback under 5,000 characters."
    if not active:
        errors["__all__"] = "The rubric has no criteria: add one before moderating."
    if errors:
        raise ValidationError(errors)
    average = Decimal(sum(scores[c.pk] for c in active)) / len(active)
    moderation = Moderation.objects.create(
        organisation_id=session.organisation_id,
        session=session,
        record_version=record_version,
        site_id=site_id,
        author_id=session.author_id,
        moderator=access.user,
        outcome=Moderation.Outcome.CORRECTION if send_back else Moderation.Outcome.ACCEPTED,
        feedback=feedback,
        automatic_score=session.quality_score,
        average=average.quantize(Decimal("0.01")),
    )
    ModerationScore.objects.bulk_create(
        [
            ModerationScore(
                organisation_id=session.organisation_id,
                moderation=moderation,
                criterion=c,
                score=scores[c.pk],
            )
            for c in active
        ]
    )
    audit_write(
        actor=access.user,
        action=Action.CREATE,
        instance=moderation,
        before=None,
        after={
            **snapshot(moderation),
            "scores": {c.name: scores[c.pk] for c in active},
        },
        summary="Sent back for correction" if send_back else "Moderated",
    )
    return moderation


@transaction.atomic
def feedback_acknowledge(*, access: Access, moderation: Moderation, reply: str = "") -> Moderation:
    """The key worker confirms they have read the feedback (once; audited)."""
    if moderation.author_id != access.user.pk:
        raise PermissionDenied("Only the record's author acknowledges its feedback.")
    reply = (reply or "").strip()
    if len(reply) > 2000:
        raise ValidationError({"reply": "Keep the reply under 2,000 characters."})
    before = snapshot(moderation)
    updated = Moderation.objects.filter(pk=moderation.pk, acknowledged_at__isnull=True).update(
        acknowledged_at=timezone.now(), acknowledgement=reply
    )
    if not updated:
        raise ValidationError("You have already acknowledged this feedback.")
    moderation.refresh_from_db()
    audit_write(
        actor=access.user,
        action=Action.UPDATE,
        instance=moderation,
        before=before,
        summary="Feedback acknowledged",
    )
    return moderation
