"""`/ceremonies.ics`: an RFC 5545 iCalendar of public ceremonies, built with the icalendar library."""

import datetime
import zoneinfo

import icalendar
from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone

from .feeds import feed_endpoint
from .models import Ceremony

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


@feed_endpoint()
def ceremonies_ics(request):
    now = timezone.now()
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", f"{settings.SITE_NAME}: ceremonies")
    ceremonies = Ceremony.objects.public(now).select_related("edition__program").order_by("date", "id")
    for ceremony in ceremonies:
        calendar.add_component(ceremony_event(request, ceremony, now))
    calendar.add_missing_timezones()
    return HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
