"""Settings for the test suite: production settings with a test key and a fast hasher."""

import os

os.environ.setdefault("SECRET_KEY", "test-secret-key-for-the-test-suite-only-0123456789abcdef")

from awards_site.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# The manifest storage needs collectstatic first; tests serve static files unhashed.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405

# Production hardening (ops): the test client speaks plain HTTP, so no HTTPS redirect here
# (tests/test_security.py checks it with override_settings); Client.login() passes no request,
# which django-axes refuses, so axes is on only in the tests that exercise it.
SECURE_SSL_REDIRECT = False
AXES_ENABLED = False

# A second alias on the same test database, like a read replica (tests/test_router.py). Unused
# unless a test turns on awards_site.db_routers.ReplicaRouter.
if "replica" not in DATABASES:  # noqa: F405
    DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}  # noqa: F405
