from django.urls import re_path
from rest_framework.routers import DefaultRouter

from . import views

app_name = "api"


class Router(DefaultRouter):
    include_format_suffixes = False  # `?format=csv` instead; a dot in an id is then just a bad id
    APIRootView = views.ApiRootView


router = Router()
router.register("programs", views.ProgramViewSet, basename="program")
router.register("categories", views.CategoryViewSet, basename="category")
router.register("editions", views.EditionViewSet, basename="edition")
router.register("awards", views.AwardViewSet, basename="award")
router.register("recipients", views.RecipientViewSet, basename="recipient")
router.register("ceremonies", views.CeremonyViewSet, basename="ceremony")
router.register("announcements", views.AnnouncementViewSet, basename="announcement")

urlpatterns = [
    *router.urls,
    # Last: any other path under /api/v1/ (ending in a slash, so APPEND_SLASH still redirects) is a JSON 404.
    re_path(r"^.*/$", views.not_found),
]
