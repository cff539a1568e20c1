"""Template helpers for the public pages: JSON-LD, canonical URLs, outgoing links, figures."""

import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.safestring import mark_safe

from registry import models

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
