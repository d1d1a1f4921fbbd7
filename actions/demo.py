"""Demo actions: what the last three weeks of submitted key-work records asked for (the worked
example's five among them), made exactly as a submission makes them; the older ones closed with a
note so the lists show both. Idempotent: skipped for an organisation with actions."""

import datetime

from django.utils import timezone

from sessions_app.models import KeyWorkSession
from tenancy.context import organisation_scope

from . import services
from .models import ActionItem, State


def seed(world) -> None:
    for org in (world.school_org, world.provider):
        with organisation_scope(org.pk):
            if ActionItem.objects.exists():
                continue
            since = timezone.localdate() - datetime.timedelta(days=21)
            sessions = KeyWorkSession.objects.filter(
                status__in=KeyWorkSession.COUNTED, date__gte=since
            ).order_by("date", "pk")
            made = 0
            for session in sessions:
                made += len(services.actions_from_session(session_id=session.pk))
            # Records older than a week: every other follow-up is done (not Amber's worked
            # example, whose five actions stay open for the walkthrough in the README).
            week_ago = timezone.localdate() - datetime.timedelta(days=7)
            old_ids = sessions.filter(date__lt=week_ago).values("pk")
            old = (
                ActionItem.objects.filter(source="session", source_id__in=old_ids)
                .exclude(child__first_name="Amber", child__last_name="Smith")
                .order_by("pk")
            )
            for n, action in enumerate(old):
                if n % 2:
                    continue
                action.state = State.DONE
                action.closed_note = "Done: talked it through and agreed the next step."
                action.closed_by = action.owner or action.created_by
                action.closed_at = timezone.now()
                action.save(update_fields=["state", "closed_note", "closed_by", "closed_at"])
            open_count = ActionItem.objects.filter(state=State.OPEN).count()
            world.stdout.write(f"  actions: {org.name}: {made} from records, {open_count} open")
