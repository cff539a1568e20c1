"""Public pages (SPEC §5). Every query starts from a visibility-rule QuerySet method, and
anything that is not public raises the same plain 404 as a page that does not exist."""

from django.core.paginator import InvalidPage
from django.db import DatabaseError, connection
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from . import structured_data
from .award_browser import AwardBrowserFilter, filter_query, more_filters_in_use, offer_choices
from .awards import award_rows, awards_by_category, awards_in_order
from .exports import stream_award_csv
from .filters import UNKNOWN_PROGRAM, award_feed_query
from .http_cache import CachedCountPaginator, public_answer
from .models import Announcement, Category, Ceremony, Edition, Nomination, Nominee, Program

AWARDS_PER_PAGE = 25
NEWS_PER_PAGE = 20
CEREMONIES_PER_PAGE = 50
# An edition page shows this many awards per category, with a link to all of them.
EDITION_AWARDS_PER_CATEGORY = 10


# --- Querysets: the public rows each page shows ------------------------------------------------


def public_programs():
    """Programmes with at least one edition whose results are live."""
    return Program.objects.public().select_related("conferred_by")


def published_announcements():
    return Announcement.objects.published()


def paginate(request, queryset, per_page):
    """The requested page; a page number that is not a valid page is a 404."""
    paginator = CachedCountPaginator(queryset, per_page, request=request)
    try:
        return paginator.page(request.GET.get("page") or 1)
    except InvalidPage as exc:
        raise Http404("No such page.") from exc


# --- Pages ------------------------------------------------------------------------------------


@require_safe
@public_answer(daily=True)  # upcoming ceremonies
def home(request):
    latest_ids = Nomination.objects.public().order_by(
        "-edition__results_published_at", "-edition__year", "category__position", "id"
    )
    context = {
        "latest_awards": award_rows(latest_ids.values_list("pk", flat=True)[:8], achievements=False),
        "announcements": published_announcements()[:4],
        "upcoming_ceremonies": Ceremony.objects.public().upcoming().select_related("edition__program")[:4],
        # Each programme with its latest published years: home → edition → award in two clicks.
        "editions": Edition.objects.published()
        .select_related("program")
        .order_by("program__name", "program", "-year"),
        "title": "Award programmes and their recipients",
    }
    return render(request, "registry/home.html", context)


@require_safe
@public_answer
def program_list(request):
    programs = public_programs()
    context = {
        "programs": programs,
        "title": "Programmes",
        "description": "Every award programme in the registry, with its editions and categories.",
        "breadcrumbs": [(None, "Programmes")],
    }
    return render(request, "registry/program_list.html", context)


@require_safe
@public_answer
def program_detail(request, program):
    program = get_object_or_404(public_programs(), slug=program)
    editions = Edition.objects.published().filter(program=program).select_related("program")
    categories = program.categories.filter(is_active=True)
    context = {
        "program": program,
        "editions": editions,
        "categories": categories,
        "title": program.name,
        "description": program.description
        or f"{program.name}, conferred by {program.conferred_by.name}: "
        "every edition and category, with their recipients.",
        "breadcrumbs": [(reverse("registry:program-list"), "Programmes"), (None, program.name)],
        "feed_query": award_feed_query({"program": program.slug}),
    }
    return render(request, "registry/program_detail.html", context)


@require_safe
@public_answer
def category_detail(request, program, category):
    program = get_object_or_404(public_programs(), slug=program)
    category = get_object_or_404(Category.objects.filter(program=program), slug=category)
    awards = (
        Nomination.objects.public()
        .filter(category=category)
        .order_by("-edition__year", "nominee__name", "id")
    )
    context = {
        "program": program,
        "category": category,
        "awards": awards_in_order(awards, achievements=False),
        "title": f"{category.name} — {program.name}",
        "description": f"Every recipient of the {category.name} ({program.name}), year by year.",
        "breadcrumbs": [
            (reverse("registry:program-list"), "Programmes"),
            (program.get_absolute_url(), program.name),
            (None, category.name),
        ],
        "feed_query": award_feed_query({"program": program.slug, "category": category.slug}),
    }
    return render(request, "registry/category_detail.html", context)


@require_safe
@public_answer
def edition_detail(request, program, year):
    edition = get_object_or_404(
        Edition.objects.published().select_related("program"), program__slug=program, year=year
    )
    categories = awards_by_category(edition.id, per_category=EDITION_AWARDS_PER_CATEGORY, achievements=False)
    return edition_page(request, edition, categories, Ceremony.objects.public().filter(edition=edition))


def edition_page(request, edition, categories, ceremonies, **extra):
    """An edition's page from its `awards_by_category`; `extra` context (the preview's) last."""
    context = {
        "edition": edition,
        "program": edition.program,
        "categories": categories,
        "award_count": sum(category.total for category in categories),
        "ceremonies": ceremonies.order_by("date", "id"),
        "announcements": published_announcements().filter(edition=edition)[:10],
        "title": edition.name,
        "description": f"The recipients of the {edition.name}, category by category, and its ceremonies.",
        "breadcrumbs": [
            (reverse("registry:program-list"), "Programmes"),
            (edition.program.get_absolute_url(), edition.program.name),
            (None, str(edition.year)),
        ],
        "feed_query": award_feed_query({"program": edition.program.slug, "year": str(edition.year)}),
    }
    return render(request, "registry/edition_detail.html", context | extra)


@require_safe
@public_answer
def award_detail(request, program, year, category):
    awards = awards_in_order(
        Nomination.objects.public()
        .filter(edition__program__slug=program, edition__year=year, category__slug=category)
        .order_by("nominee__name", "id")
    )
    if not awards:
        raise Http404("No such award.")
    return award_page(request, awards)


def award_page(request, awards, **extra):
    """One category's awards in one edition (not empty); `extra` context (the preview's) last."""
    first = awards[0]
    news = announcements_of(award.id for award in awards)
    recipients = ", ".join(award.recipient.name for award in awards)
    context = {
        "awards": [(award, news.get(award.id, [])) for award in awards],
        "first": first,  # for what the awards of the page share: edition, programme, category
        "structured_data": structured_data.award_list(awards, request),
        "title": f"{first.year} {first.category.name} — {recipients}",
        "description": f"{recipients} received the {first.year} {first.category.name} "
        f"of the {first.program.name}. {first.citation}",
        "og_type": "article",
        "breadcrumbs": [
            (reverse("registry:program-list"), "Programmes"),
            (first.program.path, first.program.name),
            (first.edition_path, str(first.year)),
            (None, first.category.name),
        ],
    }
    return render(request, "registry/award_detail.html", context | extra)


def announcements_of(award_ids) -> dict[int, list[Announcement]]:
    """Award id → the published announcements about it, newest first: one query."""
    links = (
        Announcement.related_awards.through.objects.filter(
            nomination__in=list(award_ids), announcement__in=published_announcements()
        )
        .select_related("announcement")
        .order_by("-announcement__published_at", "-announcement_id")
    )
    news = {}
    for link in links:
        news.setdefault(link.nomination_id, []).append(link.announcement)
    return news


@require_safe
@public_answer
def award_list(request):
    award_filter = AwardBrowserFilter(
        request.GET or None, queryset=Nomination.objects.public().in_award_order()
    )
    offer_choices(award_filter.form)
    if award_filter.is_bound and not award_filter.is_valid():
        for name in award_filter.form.errors:
            if name in award_filter.form.fields:
                attrs = award_filter.form.fields[name].widget.attrs
                attrs.update({"aria-invalid": "true", "aria-describedby": f"id_{name}-error"})
        # An unknown programme (or one not public) is a page that does not exist, with the reason.
        unknown_program = award_filter.form.has_error("program", UNKNOWN_PROGRAM)
        context = {
            "filter": award_filter,
            "page_obj": None,
            "awards": [],
            "more_filters_open": True,
            "unknown_program": award_filter.form.errors["program"][0] if unknown_program else None,
            **AWARD_LIST_PAGE,
        }
        return render(request, "registry/award_list.html", context, status=404 if unknown_program else 400)
    page = paginate(request, award_filter.qs.values_list("pk", flat=True), AWARDS_PER_PAGE)
    query = filter_query(request.GET)
    context = {
        "filter": award_filter,
        "page_obj": page,
        "awards": award_rows(page.object_list, achievements=False),
        "query": query,
        "more_filters_open": more_filters_in_use(award_filter.form),
        "feed_query": award_feed_query(request.GET),
        "csv_url": reverse("registry:award-csv") + (f"?{query}" if query else ""),
        **AWARD_LIST_PAGE,
    }
    return render(request, "registry/award_list.html", context)


AWARD_LIST_PAGE = {
    "title": "Awards",
    "description": "Browse and search every published award by programme, year, category, country and text.",
    "breadcrumbs": [(None, "Awards")],
}


@require_safe
def award_csv(request):
    award_filter = AwardBrowserFilter(
        request.GET or None, queryset=Nomination.objects.public().in_award_order()
    )
    if award_filter.is_bound and not award_filter.is_valid():
        return JsonResponse({"errors": award_filter.errors.get_json_data()}, status=400)
    origin = request.build_absolute_uri("/").removesuffix("/")
    return stream_award_csv(award_filter.qs, filename="awards.csv", origin=origin)


@require_safe
@public_answer
def recipient_detail(request, slug):
    nominee = get_object_or_404(Nominee.objects.recipients().select_related("affiliation"), slug=slug)
    awards = awards_in_order(
        Nomination.objects.public()
        .filter(nominee=nominee)
        .order_by("-edition__year", "category__position", "id")
    )
    context = {
        "nominee": nominee,
        "awards": awards,
        "structured_data": structured_data.recipient(nominee, awards, request),
        "title": nominee.name,
        "description": f"{nominee.name}"
        + (f", {nominee.title}" if nominee.title else "")
        + (f", {nominee.affiliation.name}" if nominee.affiliation else "")
        + ": "
        + "; ".join(f"{a.year} {a.category.name}" for a in awards)
        + ".",
        "og_type": "profile" if nominee.kind == Nominee.Kind.PERSON else "website",
        "breadcrumbs": [(reverse("registry:award-list"), "Awards"), (None, nominee.name)],
    }
    return render(request, "registry/recipient_detail.html", context)


@require_safe
@public_answer(daily=True)  # upcoming and past ceremonies
def ceremony_list(request):
    ceremonies = Ceremony.objects.public().select_related("edition__program")
    page = paginate(request, ceremonies.past(), CEREMONIES_PER_PAGE)  # years of history: paged
    context = {
        "upcoming": ceremonies.upcoming(),
        "past": page.object_list,
        "page_obj": page,
        "title": "Ceremonies",
        "description": "Upcoming and past award ceremonies: where and when the awards are presented.",
        "breadcrumbs": [(None, "Ceremonies")],
    }
    return render(request, "registry/ceremony_list.html", context)


@require_safe
@public_answer
def ceremony_detail(request, slug):
    ceremony = get_object_or_404(Ceremony.objects.public().select_related("edition__program"), slug=slug)
    awards = Nomination.objects.public().filter(presentation__ceremony=ceremony)
    awards = awards.order_by("category__position", "category__name", "nominee__name", "id")
    context = {
        "ceremony": ceremony,
        "awards": awards_in_order(awards, achievements=False),
        "structured_data": structured_data.ceremony_event(ceremony, request),
        "title": ceremony.name,
        "description": f"{ceremony.name}, {ceremony.date:%d %B %Y}"
        + (f" at {ceremony.venue}" if ceremony.venue else "")
        + (f", {ceremony.city}" if ceremony.city else "")
        + ".",
        "breadcrumbs": [(reverse("registry:ceremony-list"), "Ceremonies"), (None, ceremony.name)],
    }
    return render(request, "registry/ceremony_detail.html", context)


@require_safe
@public_answer
def announcement_list(request):
    page = paginate(request, published_announcements(), NEWS_PER_PAGE)
    context = {
        "page_obj": page,
        "announcements": page.object_list,
        "title": "News",
        "description": "Announcements and press releases about award programmes and their results.",
        "breadcrumbs": [(None, "News")],
    }
    return render(request, "registry/announcement_list.html", context)


@require_safe
@public_answer
def announcement_detail(request, slug):
    announcement = get_object_or_404(published_announcements().select_related("edition__program"), slug=slug)
    awards = Nomination.objects.public().filter(announcements=announcement).in_award_order()
    context = {
        "announcement": announcement,
        "awards": awards_in_order(awards, achievements=False),
        "structured_data": structured_data.news_article(announcement, request),
        "title": announcement.title,
        "description": announcement.summary or announcement.title,
        "og_type": "article",
        "breadcrumbs": [(reverse("registry:announcement-list"), "News"), (None, announcement.title)],
    }
    return render(request, "registry/announcement_detail.html", context)


# --- Machine endpoints ------------------------------------------------------------------------


@require_safe
def robots_txt(request):
    sitemap_url = request.build_absolute_uri(reverse("registry:sitemap"))
    lines = ["User-agent: *", "Disallow: /admin/", "Disallow: /awards.csv", "", f"Sitemap: {sitemap_url}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


def healthz(request):
    """Liveness and database check for load balancers: 200 when the database answers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
