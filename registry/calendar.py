"""RFC 5545 iCalendars of public ceremonies, built with the icalendar library: `/ceremonies.ics`
(every one, or one programme's with `?program=`) and `/ceremonies/<slug>.ics` (one ceremony, for
"add to calendar")."""

import datetime
import zoneinfo

import icalendar
from django.conf import settings
from django.core.validators import slug_re
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from .feeds import feed_endpoint
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


@feed_endpoint()
def ceremonies_ics(request):
    now = timezone.now()
    program = request.GET.get("program")
    if not program:
        return calendar_response(request, public_ceremonies(now), f"{settings.SITE_NAME}: ceremonies", now)
    ceremonies, name = [], None
    if slug_re.fullmatch(program):  # else it names no programme (and PostgreSQL refuses a NUL in it)
        ceremonies = list(public_ceremonies(now).filter(edition__program__slug=program))
        if ceremonies:
            name = ceremonies[0].edition.program.name
        else:  # a public programme with no public ceremony yet is an empty calendar, not an error
            name = Program.objects.public(now).filter(slug=program).values_list("name", flat=True).first()
    if name is None:
        message = _("No public programme has this slug: /api/v1/programs/ lists them.")
        return JsonResponse({"program": [message]}, status=400)
    return calendar_response(request, ceremonies, f"{settings.SITE_NAME}: {name} ceremonies", now)


@feed_endpoint()
def ceremony_ics(request, slug):
    now = timezone.now()
    ceremony = get_object_or_404(public_ceremonies(now), slug=slug)
    return calendar_response(request, [ceremony], ceremony.name, now)
