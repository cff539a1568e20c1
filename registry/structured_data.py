"""schema.org JSON-LD for award, recipient, ceremony and news pages (rendered by `{% json_ld %}`)."""

from django.utils.html import strip_tags

from .models import web_url


def _url(request, obj) -> str:
    return request.build_absolute_uri(obj.get_absolute_url())


def _nominee(nominee, request) -> dict:
    data = {
        "@type": "Organization" if nominee.kind != "person" else "Person",
        "name": nominee.name,
        "url": _url(request, nominee),
    }
    if nominee.kind == "person" and nominee.title:
        data["jobTitle"] = nominee.title
    if nominee.affiliation:
        key = "affiliation" if nominee.kind == "person" else "parentOrganization"
        data[key] = {"@type": "Organization", "name": nominee.affiliation.name}
    if nominee.country:
        data["nationality" if nominee.kind == "person" else "location"] = {
            "@type": "Country",
            "name": nominee.country.name,
        }
    return data


def award_list(awards, request) -> dict:
    """An award page: the recipient(s), each with the award they received."""
    first = awards[0]
    award_name = f"{first.edition.year} {first.category.name}"
    recipients = [{**_nominee(award.nominee, request), "award": award_name} for award in awards]
    return {
        "@context": "https://schema.org",
        "@type": "ItemList",
        "name": f"{award_name} — {first.edition.program.name}",
        "url": _url(request, first),
        "itemListElement": [
            {"@type": "ListItem", "position": i, "item": item} for i, item in enumerate(recipients, start=1)
        ],
    }


def recipient(nominee, awards, request) -> dict:
    data = {"@context": "https://schema.org", **_nominee(nominee, request)}
    data["award"] = [f"{a.edition.year} {a.category.name} ({a.edition.program.name})" for a in awards]
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
