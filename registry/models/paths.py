"""The public pages of the rows an award links to, by the slugs in their URLs: each model's
`get_absolute_url()` and the award row (registry/awards.py) build them here."""

from django.urls import reverse


def program_path(program: str) -> str:
    return reverse("registry:program-detail", kwargs={"program": program})


def edition_path(program: str, year: int) -> str:
    return reverse("registry:edition-detail", kwargs={"program": program, "year": year})


def award_path(program: str, year: int, category: str) -> str:
    """The page of a category's awards in an edition: every one of them links to it."""
    return reverse("registry:award-detail", kwargs={"program": program, "year": year, "category": category})


def recipient_path(slug: str) -> str:
    return reverse("registry:recipient-detail", kwargs={"slug": slug})


def ceremony_path(slug: str) -> str:
    return reverse("registry:ceremony-detail", kwargs={"slug": slug})
