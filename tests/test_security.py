"""Security headers, HTTPS, cookies, CSP compatibility of the admin and API docs, and admin login
throttling (django-axes) behind trusted proxies. The suite runs with DEBUG off, so the defaults
checked here are the production defaults."""

import base64
import datetime
import hashlib
import re

import pytest
import time_machine
from django.conf import settings
from django.test import RequestFactory, override_settings
from django.urls import include, path, reverse
from drf_spectacular.settings import spectacular_settings
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from registry.clients import client_ip

from .factories import AnnouncementFactory, AwardFactory

# The API docs page as docs/api.md describes it: Swagger UI from the sidecar, its init script a
# same-origin file. The API's own urls should mount the same view at /api/docs/.
urlpatterns = [
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="docs"),
    path("", include("awards_site.urls")),
]

PASSWORD = "correct horse battery staple"


def csp_directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {name: values for name, *values in (part.split() for part in policy.split(";") if part.strip())}


def inline_scripts(html: str) -> list[str]:
    """Script elements that would execute inline code (no src, not a JSON data block)."""
    return [
        tag
        for tag in re.findall(r"<script\b[^>]*>", html)
        if "src=" not in tag and "application/json" not in tag and "application/ld+json" not in tag
    ]


@pytest.mark.django_db
def test_public_responses_carry_the_security_headers(client):
    response = client.get("/healthz")

    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    directives = csp_directives(response)
    assert directives["default-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]
    assert "'unsafe-inline'" not in directives["script-src"]
    assert "'unsafe-inline'" not in directives["style-src"]


@pytest.mark.django_db
def test_https_responses_carry_hsts_for_a_year_with_subdomains_and_preload(client):
    response = client.get("/healthz", secure=True)

    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


@pytest.mark.django_db
@override_settings(SECURE_SSL_REDIRECT=True)
def test_plain_http_is_redirected_to_https_except_the_health_check(client):
    redirected = client.get("/api/v1/awards/?page=2")
    probe = client.get("/healthz")

    assert redirected.status_code == 301
    assert redirected["Location"] == "https://testserver/api/v1/awards/?page=2"
    assert probe.status_code in {200, 503}


@pytest.mark.django_db
@override_settings(SECURE_SSL_REDIRECT=True, SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"))
def test_https_reported_by_the_trusted_proxy_header_is_not_redirected(client):
    response = client.get("/api/v1/awards/", headers={"X-Forwarded-Proto": "https"})

    assert response.status_code == 200
    assert "Strict-Transport-Security" in response


@pytest.mark.django_db
def test_session_and_csrf_cookies_are_secure_and_the_session_is_http_only(client, django_user_model):
    django_user_model.objects.create_superuser("root", "root@example.org", PASSWORD)
    login_url = reverse("admin:login")

    client.get(login_url)
    response = client.post(login_url, {"username": "root", "password": PASSWORD, "next": "/"})

    assert response.status_code == 302
    assert client.cookies["csrftoken"]["secure"] is True
    assert client.cookies["sessionid"]["secure"] is True
    assert client.cookies["sessionid"]["httponly"] is True


@pytest.mark.django_db
def test_admin_pages_run_no_inline_code_and_load_assets_from_this_site(admin_client):
    for url in (reverse("admin:login"), reverse("admin:index"), reverse("admin:registry_nomination_add")):
        response = admin_client.get(url, follow=True)
        html = response.content.decode()

        assert response.status_code == 200, url
        assert inline_scripts(html) == [], url
        assert "<style" not in html and ' style="' not in html, url
        for asset in re.findall(r'(?:src|href)="([^"]+\.(?:js|css))"', html):
            assert asset.startswith(settings.STATIC_URL) or asset.startswith("/"), asset


@pytest.mark.urls("tests.test_security")
def test_swagger_docs_page_works_under_the_csp(client, monkeypatch):
    monkeypatch.setattr(spectacular_settings, "SWAGGER_UI_DIST", "SIDECAR", raising=False)
    monkeypatch.setattr(spectacular_settings, "SWAGGER_UI_FAVICON_HREF", "SIDECAR", raising=False)

    page = client.get("/api/docs/")
    html = page.content.decode()
    script = client.get("/api/docs/?script=")
    directives = csp_directives(page)

    assert page.status_code == 200
    assert inline_scripts(html) == []
    for src in re.findall(r'<script[^>]+src="([^"]+)"', html):
        assert src.startswith("/"), f"{src} is not same-origin"
    for style in re.findall(r"<style>(.*?)</style>", html, re.S):
        digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in directives["style-src"]
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")


@pytest.mark.django_db
def test_every_inline_style_in_our_templates_is_allowed_and_no_template_runs_inline_script(client):
    allowed = csp_directives(client.get("/healthz"))["style-src"]
    for template in (settings.BASE_DIR / "templates").rglob("*.html"):
        html = template.read_text()

        assert inline_scripts(html) == [], template
        for style in re.findall(r"<style>(.*?)</style>", html, re.S):
            digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
            assert f"'sha256-{digest}'" in allowed, f"{template}: add its <style> hash to INLINE_STYLE_HASHES"


# --- Client address behind proxies ------------------------------------------------------------


NGINX = ["127.0.0.1"]
NGINX_AND_BALANCER = ["127.0.0.1", "10.0.0.0/8"]


@pytest.mark.parametrize(
    ("proxies", "remote_addr", "forwarded_for", "expected"),
    [
        ([], "127.0.0.1", "203.0.113.5", "127.0.0.1"),  # no proxy trusted: the header is ignored
        (NGINX, "198.51.100.7", "203.0.113.5", "198.51.100.7"),  # straight to gunicorn: forged
        (NGINX, "127.0.0.1", "203.0.113.5", "203.0.113.5"),  # nginx appended the real peer
        (NGINX, "127.0.0.1", "198.51.100.66, 203.0.113.5", "203.0.113.5"),  # left of it: forged
        (NGINX_AND_BALANCER, "127.0.0.1", "198.51.100.66, 203.0.113.5, 10.0.0.9", "203.0.113.5"),
        (NGINX_AND_BALANCER, "127.0.0.1", "10.0.0.9", "10.0.0.9"),  # a client inside: the furthest hop
        (NGINX, "127.0.0.1", "", "127.0.0.1"),  # nginx's own request (a health check)
        (NGINX, "127.0.0.1", "203.0.113.5, not-an-address", "127.0.0.1"),  # not from nginx: no guess
        (NGINX, "::ffff:127.0.0.1", "2001:DB8::1", "2001:db8::1"),  # gunicorn on [::], IPv6 client
    ],
)
def test_client_address_is_read_from_forwarded_for_only_behind_trusted_proxies(
    proxies, remote_addr, forwarded_for, expected
):
    request = RequestFactory().get("/", REMOTE_ADDR=remote_addr, HTTP_X_FORWARDED_FOR=forwarded_for)

    with override_settings(TRUSTED_PROXIES=proxies):
        assert client_ip(request) == expected


# --- Admin login throttling -------------------------------------------------------------------


PROXY = "10.0.0.1"


def attempt_login(client, password, *, forwarded_for, remote_addr=PROXY):
    return client.post(
        reverse("admin:login"),
        {"username": "root", "password": password, "next": "/"},
        REMOTE_ADDR=remote_addr,
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


@pytest.fixture
def throttled_admin(django_user_model):
    django_user_model.objects.create_superuser("root", "root@example.org", PASSWORD)
    with override_settings(AXES_ENABLED=True, TRUSTED_PROXIES=[PROXY], AXES_FAILURE_LIMIT=5):
        yield


@pytest.mark.django_db
def test_admin_login_locks_out_a_client_after_repeated_failures_then_cools_off(client, throttled_admin):
    attacker = "203.0.113.5"
    with time_machine.travel(datetime.datetime(2026, 1, 5, 12, 0, tzinfo=datetime.UTC), tick=False) as clock:
        failures = [attempt_login(client, f"guess-{n}", forwarded_for=attacker) for n in range(5)]
        locked = attempt_login(client, PASSWORD, forwarded_for=attacker)
        clock.shift(datetime.timedelta(minutes=14))
        still_locked = attempt_login(client, PASSWORD, forwarded_for=attacker)
        # Each refused attempt restarts the cool-off, so wait it out from the last one.
        clock.shift(settings.AXES_COOLOFF_TIME + datetime.timedelta(seconds=1))
        after_cool_off = attempt_login(client, PASSWORD, forwarded_for=attacker)

    assert [r.status_code for r in failures[:4]] == [200] * 4  # the form again, with an error
    assert locked.status_code == 429
    assert still_locked.status_code == 429
    assert after_cool_off.status_code == 302


@pytest.mark.django_db
def test_lockout_follows_the_real_client_not_a_forged_forwarded_header(client, throttled_admin):
    from axes.models import AccessAttempt

    # The attacker forges a fresh left-most address each time; the proxy appends the real one.
    for n in range(5):
        attempt_login(client, "wrong", forwarded_for=f"198.51.100.{n}, 203.0.113.5")

    attacker = attempt_login(client, PASSWORD, forwarded_for="198.51.100.99, 203.0.113.5")
    colleague_behind_same_proxy = attempt_login(client, PASSWORD, forwarded_for="203.0.113.77")

    assert attacker.status_code == 429
    assert colleague_behind_same_proxy.status_code == 302
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["203.0.113.5"]


@pytest.mark.django_db
def test_a_client_reaching_gunicorn_directly_cannot_dodge_the_lockout_with_forged_headers(
    client, throttled_admin
):
    from axes.models import AccessAttempt

    attacker = "198.51.100.7"  # not a proxy: its X-Forwarded-For is ignored
    for n in range(5):
        attempt_login(client, "wrong", forwarded_for=f"203.0.113.{n}", remote_addr=attacker)

    locked = attempt_login(client, PASSWORD, forwarded_for="203.0.113.99", remote_addr=attacker)
    client_behind_the_proxy = attempt_login(client, PASSWORD, forwarded_for="203.0.113.0")

    assert locked.status_code == 429
    assert client_behind_the_proxy.status_code == 302
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == [attacker]


@pytest.mark.django_db
def test_failed_logins_write_no_username_password_or_address_to_the_logs(client, throttled_admin, caplog):
    caplog.set_level("DEBUG")

    for _ in range(6):
        attempt_login(client, "hunter2-secret", forwarded_for="203.0.113.5")

    assert "hunter2-secret" not in caplog.text
    assert "203.0.113.5" not in caplog.text
    assert "root" not in caplog.text.replace("root@", "")


@pytest.mark.django_db
def test_a_stored_url_that_is_not_http_or_https_is_never_a_link(client, url_constraints_off):
    bad = "javascript:alert(document.cookie)"
    program = AwardFactory(
        edition__program__website=bad, edition__program__conferred_by__website=bad
    ).edition.program
    news = AnnouncementFactory(source_url=bad)
    urls = [
        program.get_absolute_url(),
        news.get_absolute_url(),
        "/api/v1/programs/",
        f"/api/v1/programs/{program.pk}/",
        "/api/v1/announcements/",
        "/feeds/news.json",
        "/feeds/news.rss",
        "/feeds/news.atom",
    ]

    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "javascript:" not in response.content.decode(), url
    api_program = client.get(f"/api/v1/programs/{program.pk}/").json()
    assert api_program["website"] is None and api_program["conferred_by"]["website"] is None
    assert client.get("/api/v1/announcements/").json()["results"][0]["source_url"] is None


@pytest.mark.django_db
def test_an_http_or_https_url_is_a_link(client):
    program = AwardFactory(edition__program__website="https://example.test/awards").edition.program
    news = AnnouncementFactory(source_url="HTTPS://agency.test/release")

    assert 'href="https://example.test/awards"' in client.get(program.get_absolute_url()).content.decode()
    assert 'href="HTTPS://agency.test/release"' in client.get(news.get_absolute_url()).content.decode()
    assert (
        client.get("/api/v1/announcements/").json()["results"][0]["source_url"]
        == "HTTPS://agency.test/release"
    )
