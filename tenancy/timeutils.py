import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone


def site_today(site) -> datetime.date:
    """Today's date where the site is (days change at the site's midnight, not UTC's)."""
    return timezone.localdate(timezone.now(), timezone=ZoneInfo(site.time_zone))


# ---- wall-clock times at the clock changes ------------------------------------------------------

UTC = datetime.UTC


def _round_trips(naive: datetime.datetime, zone: ZoneInfo, fold: int) -> bool:
    aware = naive.replace(tzinfo=zone, fold=fold)
    return aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == naive


def clock_change(
    day: datetime.date, time: datetime.time, time_zone: str
) -> tuple[str, list[datetime.datetime]]:
    """What ``day`` at ``time`` is on the wall clocks of ``time_zone``:
    ("ok", [instant]), ("missing", []) when the clocks jumped over it (01:30 on 29 March 2026 in
    London), or ("twice", [first, second]) when the clocks went back over it (01:30 on 25 October
    2026: BST first, then GMT). Instants are aware datetimes in the zone."""
    zone = ZoneInfo(time_zone)
    naive = datetime.datetime.combine(day, time.replace(tzinfo=None))
    first, second = naive.replace(tzinfo=zone, fold=0), naive.replace(tzinfo=zone, fold=1)
    if not _round_trips(naive, zone, 0) and not _round_trips(naive, zone, 1):
        return "missing", []
    if first.utcoffset() != second.utcoffset():
        return "twice", [first, second]
    return "ok", [first]


def local_instant(
    day: datetime.date, time: datetime.time, time_zone: str, *, fold: int | None = None
) -> datetime.datetime:
    """The one way a site-local date and time become an instant (for every form: slips, contacts,
    visits, sessions …). Raises ``django.core.exceptions.ValidationError`` with code
    ``"missing_time"`` when that time did not exist on the site's clocks, and ``"ambiguous_time"``
    when it happened twice and ``fold`` (0: before the clocks went back, 1: after) is not given.
    Source of the rule: the IANA time zone database (zoneinfo), PEP 495 for ``fold``."""
    from django.core.exceptions import ValidationError

    kind, instants = clock_change(day, time, time_zone)
    if kind == "missing":
        shown = (
            datetime.datetime.combine(day, time.replace(tzinfo=None))
            .replace(tzinfo=ZoneInfo(time_zone))
            .astimezone(UTC)
            .astimezone(ZoneInfo(time_zone))
        )
        raise ValidationError(
            f"{time:%H:%M} on {day:%-d %B %Y} did not exist: the clocks went forward an hour "
            f"that night. Enter the time the clock showed (perhaps {shown:%H:%M}).",
            code="missing_time",
        )
    if kind == "twice":
        if fold is None:
            raise ValidationError(
                f"{time:%H:%M} on {day:%-d %B %Y} happened twice (the clocks went back an hour): "
                "choose which.",
                code="ambiguous_time",
            )
        return instants[1 if fold else 0]
    return instants[0]


def fold_choices(day: datetime.date, time: datetime.time, time_zone: str) -> list[tuple[str, str]]:
    """The two readings of an ambiguous wall-clock time, for a choice field: [("0", "01:30 BST –
    the first time, before the clocks went back"), ("1", "01:30 GMT – the second time, after")]."""
    kind, instants = clock_change(day, time, time_zone)
    if kind != "twice":
        return []
    first, second = instants
    return [
        ("0", f"{time:%H:%M} {first.tzname()}: the first time, before the clocks went back"),
        ("1", f"{time:%H:%M} {second.tzname()}: the second time, after the clocks went back"),
    ]


class WallClockFormMixin:
    """For a form with a site-local date and time (``wall_clock_fields``: pairs of field names).
    When the bound date and time happened twice on one of ``wall_clock_zones()`` a
    choice ``<time field>_fold`` appears, asking which; ``wall_clock(...)`` in ``clean`` turns the
    pair into an instant or puts the reason beside the time field."""

    wall_clock_fields: tuple[tuple[str, str], ...] = (("date", "time"),)

    def wall_clock_zones(self) -> list[str]:  # the site zones the form may be for
        return ["Europe/London"]

    def add_fold_fields(self) -> None:
        from django import forms

        if not self.is_bound:
            return
        for date_name, time_name in self.wall_clock_fields:
            try:
                day = self.fields[date_name].clean(self.data.get(self.add_prefix(date_name)))
                time = self.fields[time_name].clean(self.data.get(self.add_prefix(time_name)))
            except Exception:  # invalid input is reported by the fields themselves
                continue
            if not day or not time:
                continue
            for zone in dict.fromkeys(self.wall_clock_zones()):
                choices = fold_choices(day, time, zone)
                if choices:
                    self.fields[f"{time_name}_fold"] = forms.ChoiceField(
                        label=f"Which {time:%H:%M}?",
                        choices=choices,
                        widget=forms.RadioSelect,
                        # Not "required": wall_clock() says what is missing, once, in words.
                        required=False,
                        help_text="The clocks went back an hour that night, so this time "
                        "happened twice.",
                    )
                    break

    def wall_clock(
        self, day, time, time_zone: str, *, time_field: str = "time"
    ) -> datetime.datetime | None:
        """The instant, or ``None`` with the reason added beside ``time_field``."""
        from django.core.exceptions import ValidationError

        fold = self.cleaned_data.get(f"{time_field}_fold")
        try:
            return local_instant(day, time, time_zone, fold=int(fold) if fold else None)
        except ValidationError as error:
            target = f"{time_field}_fold" if error.code == "ambiguous_time" else time_field
            if target not in self.fields:
                target = time_field
            self.add_error(target, error)
            return None
