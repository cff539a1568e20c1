"""Template helpers for the public pages: JSON-LD, canonical URLs, outgoing links, award rows."""

import json
from html import escape  # Django's, without its check for lazy strings: values of every row

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.safestring import SafeString, mark_safe

from registry import models
from registry.awards import Award

register = template.Library()

# Inside <script>, "</script>" or "<!--" in the data would end or confuse the element.
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.simple_tag
def json_ld(data):
    """A schema.org `<script type="application/ld+json">` element, safely escaped."""
    if not data:
        return ""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_JSON_SCRIPT_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')  # noqa: S308 - escaped above


@register.simple_tag(takes_context=True)
def canonical_url(context):
    """The absolute URL of this page without its query string, except a page number > 1."""
    request = context["request"]
    url = request.build_absolute_uri(request.path)
    page_obj = context.get("page_obj")
    if page_obj is not None and page_obj.number > 1:
        url += f"?page={page_obj.number}"
    return url


@register.simple_tag(takes_context=True)
def absolute_url(context, path):
    return context["request"].build_absolute_uri(path)


@register.filter
def web_url(value):
    """`{{ program.website|web_url }}`: the URL if it is http or https, otherwise empty."""
    return models.web_url(value)


@register.simple_tag
def award_row(award: Award, *, show_program: bool = False, recipient_only: bool = False) -> SafeString:
    """`{% award_row award %}`: a public award in a list (`<ul class="award-list">`): the award,
    its recipient and, with `show_program`, its programme; with `recipient_only`, as the edition
    page lists it under its category: the recipient alone.

    Written here rather than as a template include: an include per row, reading the row's
    attributes through the template engine, cost more than the rest of the page
    (docs/performance.md). Every value is escaped as the template engine escapes it (`escape`).
    """
    recipient = award.recipient
    name, title, affiliation = escape(recipient.name), escape(recipient.title), recipient.affiliation
    country = escape(recipient.country_name)
    if recipient_only:
        who = ""
        if title or affiliation is not None:
            comma = ", " if title and affiliation is not None else ""
            who = f'<span class="muted"> — {title}{comma}{escape(affiliation or "")}</span>'
        country = f' <span class="country muted">({country})</span>' if recipient.country else ""
        return mark_safe(f'<li><a href="{escape(recipient.path)}">{name}</a>{who}{country}</li>')  # noqa: S308
    comma = ", " if title and affiliation else ""
    who = f"{title}{comma}{escape(affiliation or '')}"
    if recipient.country:  # in brackets after a title or an affiliation; alone, it needs none
        who += (
            f' <span class="country">({country})</span>' if who else f'<span class="country">{country}</span>'
        )
    program = f'<span class="award-row__program">{escape(award.program.name)}</span>' if show_program else ""
    return mark_safe(  # noqa: S308 - escaped above
        '<li class="award-row">\n'
        f'  <a class="award-row__link" href="{escape(award.path)}">\n'
        f'    <span class="award-row__recipient">{name}</span>\n'
        f'    <span class="award-row__award">{award.year} · {escape(award.category.name)}</span>\n'
        "  </a>\n"
        '  <span class="award-row__meta">\n'
        f"    {who}\n"
        f"    {program}\n"
        "  </span>\n"
        "</li>"
    )
