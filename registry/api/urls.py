from rest_framework.routers import DefaultRouter

from . import views

app_name = "api"

router = DefaultRouter()
router.register("awards", views.AwardViewSet, basename="award")

urlpatterns = router.urls
