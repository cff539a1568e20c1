"""schema.org JSON-LD for award, recipient, ceremony and news pages (rendered by `{% json_ld %}`)."""

from django.utils.html import strip_tags

from .awards import Award
from .models import web_url


def _url(request, obj) -> str:
    return request.build_absolute_uri(obj.get_absolute_url())


def _recipient(award: Award, request) -> dict:
    """The award's recipient as a schema.org Person or Organization."""
    recipient = award.recipient
    person = recipient.kind == "person"
    data = {
        "@type": "Person" if person else "Organization",
        "name": recipient.name,
        "url": request.build_absolute_uri(recipient.path),
    }
    if person and recipient.title:
        data["jobTitle"] = recipient.title
    if recipient.affiliation:
        data["affiliation" if person else "parentOrganization"] = {
            "@type": "Organization",
            "name": recipient.affiliation,
        }
    if recipient.country:
        data["nationality" if person else "location"] = {"@type": "Country", "name": recipient.country_name}
    return data


def award_list(awards: list[Award], request) -> dict:
    """An award page: the recipient(s), each with the award they received."""
    first = awards[0]
    award_name = f"{first.year} {first.category.name}"
    recipients = [{**_recipient(award, request), "award": award_name} for award in awards]
    return {
        "@context": "https://schema.org",
        "@type": "ItemList",
        "name": f"{award_name} — {first.program.name}",
        "url": request.build_absolute_uri(first.path),
        "itemListElement": [
            {"@type": "ListItem", "position": i, "item": item} for i, item in enumerate(recipients, start=1)
        ],
    }


def recipient(nominee, awards: list[Award], request) -> dict:
    """A recipient's page: who they are (as their awards show them) and what they received."""
    data = {"@context": "https://schema.org", **_recipient(awards[0], request)}
    data["award"] = [f"{a.year} {a.category.name} ({a.program.name})" for a in awards]
    if nominee.biography:
        data["description"] = strip_tags(nominee.biography)[:500]
    return data


def ceremony_event(ceremony, request) -> dict:
    start = ceremony.date.isoformat()
    if ceremony.start_time:
        start += "T" + ceremony.start_time.isoformat(timespec="minutes")
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": ceremony.name,
        "url": _url(request, ceremony),
        "startDate": start,
        "eventStatus": "https://schema.org/EventScheduled",
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "location": {
            "@type": "Place",
            "name": ceremony.venue or ceremony.city or ceremony.name,
            "address": {
                "@type": "PostalAddress",
                "addressLocality": ceremony.city,
                "addressCountry": ceremony.country.code,
            },
        },
        "organizer": {"@type": "Organization", "name": ceremony.edition.program.name},
    }
    if ceremony.description:
        data["description"] = strip_tags(ceremony.description)[:500]
    return data


def news_article(announcement, request) -> dict:
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": announcement.title[:110],
        "url": _url(request, announcement),
        "datePublished": announcement.published_at.isoformat(),
    }
    if announcement.summary:
        data["description"] = announcement.summary
    if source := web_url(announcement.source_url):
        data["isBasedOn"] = source
    return data
