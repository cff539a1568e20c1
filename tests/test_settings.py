"""Settings from the environment: each case starts a fresh Python with the real
settings module and only the variables it names, as a server would."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run(code: str = "", *args: str, **env: str) -> subprocess.CompletedProcess:
    """Run `code` after django.setup() (or manage.py `args`) with production-like variables."""
    base = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "awards_site.settings",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "testserver",
        # A fresh clone has no collected static files yet; WhiteNoise's warning is not a log line.
        "PYTHONWARNINGS": "ignore:No directory at:UserWarning",
    }
    command = [sys.executable, "manage.py", *args] if args else [sys.executable, "-c", code]
    return subprocess.run(command, cwd=ROOT, env={**base, **env}, capture_output=True, text=True, timeout=120)


def setting_values(*names: str, **env: str) -> dict:
    code = "import json, django; django.setup(); from django.conf import settings as s; " + (
        f"print(json.dumps({{n: getattr(s, n, None) for n in {list(names)!r}}}, default=str))"
    )
    completed = run(code, **env)
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout)


def env_example() -> dict[str, str]:
    variables = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        if line and not line.startswith("#") and "=" in line:
            name, value = line.split("=", 1)
            variables[name] = value.strip('"')
    return variables


def test_env_example_passes_check_deploy_at_warning_level():
    variables = {**env_example(), "SECRET_KEY": secrets.token_urlsafe(50)}

    completed = run("", "check", "--deploy", "--fail-level", "WARNING", **variables)

    assert completed.returncode == 0, completed.stderr
    assert "no issues" in completed.stdout


def test_env_example_names_every_variable_the_settings_read():
    read = set()
    for source in ("awards_site/settings.py", "gunicorn.conf.py"):
        text = (ROOT / source).read_text()
        for call in ("env_bool(", "env_int(", "env_list(", "os.environ.get(", "_int("):
            read |= {chunk.split('"')[1] for chunk in text.split(call)[1:] if chunk.startswith('"')}
    documented = (ROOT / ".env.example").read_text()

    assert len(read) > 30
    assert sorted(name for name in read if f"{name}=" not in documented) == []


def test_development_defaults_stay_on_plain_http():
    values = setting_values(
        "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SESSION_COOKIE_SECURE", DEBUG="1", SECRET_KEY=""
    )

    assert values == {"SECURE_SSL_REDIRECT": False, "SECURE_HSTS_SECONDS": 0, "SESSION_COOKIE_SECURE": False}


def test_production_defaults_are_https_only():
    values = setting_values(
        "SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "X_FRAME_OPTIONS"
    )

    assert values == {
        "SECURE_SSL_REDIRECT": True,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "X_FRAME_OPTIONS": "DENY",
    }


def test_admin_is_served_only_at_the_configured_admin_url():
    code = (
        "import django; django.setup()\n"
        "from django.urls import reverse, resolve, Resolver404\n"
        "print(reverse('admin:index'))\n"
        "try:\n    resolve('/admin/')\nexcept Resolver404:\n    print('no /admin/')\n"
    )

    completed = run(code, ADMIN_URL="staff-7c1e9a/")

    assert completed.stdout.split("\n")[:2] == ["/staff-7c1e9a/", "no /admin/"], completed.stderr


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("ADMIN_URL", "/admin"),
        ("SECURE_PROXY_SSL_HEADER", "X-Forwarded-Proto"),
        ("LOG_FORMAT", "xml"),
        ("API_ANON_RATE", "120 per minute"),
        ("TRUSTED_PROXIES", "nginx"),
        ("TRUSTED_PROXY_COUNT", "1"),  # replaced by TRUSTED_PROXIES: refused, not quietly ignored
    ],
)
def test_malformed_production_variables_refuse_to_start(name, value):
    completed = run("import django; django.setup()", **{name: value})

    assert completed.returncode != 0
    assert name in completed.stderr


@pytest.mark.parametrize("value", ["", "none"])
def test_an_empty_api_rate_means_no_limit(value):
    assert setting_values("API_ANON_RATE", API_ANON_RATE=value)["API_ANON_RATE"] is None


def test_trusted_proxies_are_read_as_addresses_and_networks():
    values = setting_values("TRUSTED_PROXIES", TRUSTED_PROXIES="127.0.0.1, 10.0.1.0/24,::1")

    assert values["TRUSTED_PROXIES"] == ["127.0.0.1", "10.0.1.0/24", "::1"]


def test_proxy_ssl_header_is_read_as_header_and_value():
    values = setting_values("SECURE_PROXY_SSL_HEADER", SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO,https")

    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]


def test_replica_url_adds_a_replica_mirrored_in_tests_and_the_router():
    values = setting_values(
        "DATABASES", "DATABASE_ROUTERS", DATABASE_REPLICA_URL="postgres://reader@10.0.0.12:5432/awards"
    )

    replica = values["DATABASES"]["replica"]
    assert (replica["HOST"], replica["NAME"], replica["TEST"]["MIRROR"]) == ("10.0.0.12", "awards", "default")
    assert values["DATABASE_ROUTERS"] == ["awards_site.db_routers.ReplicaRouter"]


def test_redis_url_selects_a_cache_that_survives_redis_outages():
    cache = setting_values("CACHES", REDIS_URL="redis://10.0.0.13:6379/0")["CACHES"]["default"]

    assert cache["BACKEND"] == "awards_site.cache.RedisCache"
    assert cache["LOCATION"] == "redis://10.0.0.13:6379/0"
    assert cache["OPTIONS"]["IGNORE_EXCEPTIONS"] is True


def test_bucket_name_moves_media_to_object_storage_and_allows_its_images():
    code = (
        "import django; django.setup()\n"
        "from django.core.files.storage import storages\nfrom django.conf import settings\n"
        "print(type(storages['default']).__name__)\nprint(storages['default'].url('nominees/a.jpg'))\n"
        "print(settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src'])\n"
    )

    completed = run(code, AWS_STORAGE_BUCKET_NAME="awards-media", AWS_S3_CUSTOM_DOMAIN="media.example.org")

    backend, url, img_src = completed.stdout.splitlines()
    assert backend == "S3Storage", completed.stderr
    assert url == "https://media.example.org/media/nominees/a.jpg"
    assert "https://media.example.org" in img_src


def test_json_logs_carry_the_request_id_of_each_request():
    code = (
        "import django; django.setup()\nfrom django.test import Client\n"
        # API paths answer 404 in JSON: no template, so no collected static files are needed.
        "Client().get('/api/v1/no-such-thing/', headers={'X-Request-ID': 'proxy-id-42'})\n"
        "r = Client().get('/api/v1/no-such-thing/?email=someone@example.org')\nprint(r['X-Request-ID'])\n"
    )

    completed = run(code, LOG_FORMAT="json", SECURE_SSL_REDIRECT="0")

    records = [json.loads(line) for line in completed.stderr.splitlines()]
    generated_id = completed.stdout.strip()
    assert [(r["logger"], r["level"], r["request_id"]) for r in records] == [
        ("django.request", "WARNING", "proxy-id-42"),
        ("django.request", "WARNING", generated_id),
    ]
    assert len(generated_id) == 32
    assert "someone@example.org" not in completed.stderr  # paths are logged, query strings are not


def test_manage_py_without_secret_key_says_what_to_set_without_a_traceback():
    completed = run("", "check", SECRET_KEY="", DEBUG="0")

    assert completed.returncode == 1
    assert completed.stderr.strip().startswith("Configuration error: SECRET_KEY must be set")
    assert "Traceback" not in completed.stderr


def test_sqlite_migrate_and_check_agree_without_a_covering_index_warning(tmp_path):
    # SQLite builds the award-order index without its PostgreSQL covering column, on purpose.
    database = {"DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}", "DEBUG": "1"}

    migrated = run("", "migrate", "--noinput", **database)
    checked = run("", "check", "--database", "default", **database)

    assert migrated.returncode == 0 and checked.returncode == 0, migrated.stderr + checked.stderr
    assert "Running migrations" in migrated.stdout
    for output in (migrated.stdout, migrated.stderr, checked.stdout, checked.stderr):
        assert "W040" not in output
    assert "System check identified no issues" in checked.stdout
