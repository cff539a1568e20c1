"""RFC 5545 iCalendars of public ceremonies, built with the icalendar library: `/ceremonies.ics`
(every one, or those the API's ceremony filters choose, as `?program=`) and
`/ceremonies/<slug>.ics` (one ceremony, for "add to calendar")."""

import datetime
import zoneinfo

import icalendar
from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from .feeds import feed_endpoint
from .filters import CeremonyFilter
from .models import Ceremony, Program

PRODID = "-//Awards Registry//Ceremonies//EN"


def ceremony_event(request, ceremony: Ceremony, now: datetime.datetime) -> icalendar.Event:
    event = icalendar.Event()
    # Primary keys are never reused; the UID stays the same when the name or slug changes.
    event.add("uid", f"ceremony-{ceremony.pk}@awards-registry")
    # No METHOD in this calendar, so DTSTAMP is when the entry last changed publicly: when it went public.
    public_since = [
        t for t in (ceremony.announced_at, ceremony.edition.results_published_at) if t and t <= now
    ]
    event.add("dtstamp", max(public_since))
    if ceremony.start_time is None:
        event.add("dtstart", ceremony.date)  # all-day: VALUE=DATE
    else:
        start = datetime.datetime.combine(ceremony.date, ceremony.start_time)
        if ceremony.timezone:
            start = start.replace(tzinfo=zoneinfo.ZoneInfo(ceremony.timezone))  # DTSTART;TZID=…
        event.add("dtstart", start)  # without a zone: floating local time at the venue
    event.add("summary", ceremony.name)
    location = ", ".join(p for p in (ceremony.venue, ceremony.city, ceremony.country.name) if p)
    if location:
        event.add("location", location)
    description = "\n\n".join(p for p in (ceremony.edition.name, ceremony.description) if p)
    event.add("description", description)
    event.add("categories", [ceremony.edition.program.name])
    event.add("url", request.build_absolute_uri(ceremony.get_absolute_url()))
    return event


def calendar_response(request, ceremonies, name: str, now: datetime.datetime) -> HttpResponse:
    """`ceremonies` as one iCalendar named `name`, one event each."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    for ceremony in ceremonies:
        calendar.add_component(ceremony_event(request, ceremony, now))
    calendar.add_missing_timezones()
    return HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")


def public_ceremonies(now: datetime.datetime):
    return Ceremony.objects.public(now).select_related("edition__program").order_by("date", "id")


@feed_endpoint(CeremonyFilter)
def ceremonies_ics(request, filterset):
    """Every public ceremony, or those the API's ceremony filters choose (`program`, `year`,
    `country`); an unknown programme is the API's 400."""
    now = timezone.now()
    ceremonies = list(filterset.filter_queryset(public_ceremonies(now)))
    name = _("ceremonies")
    if program := filterset.form.cleaned_data.get("program"):
        # A public programme with no public ceremony yet is an empty calendar, not an error.
        programme = ceremonies[0].edition.program.name if ceremonies else None
        programme = programme or Program.objects.filter(slug=program).values_list("name", flat=True).first()
        name = _("%(programme)s ceremonies") % {"programme": programme}
    return calendar_response(request, ceremonies, f"{settings.SITE_NAME}: {name}", now)


@feed_endpoint()
def ceremony_ics(request, slug):
    now = timezone.now()
    ceremony = get_object_or_404(public_ceremonies(now), slug=slug)
    return calendar_response(request, [ceremony], ceremony.name, now)
