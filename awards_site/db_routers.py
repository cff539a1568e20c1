"""Read-replica routing (DATABASE_REPLICA_URL): the public site's reads go to the replica; the
admin, every write, and anything outside a request (commands, shell, migrations) use the primary.

Only public GET/HEAD requests opt in, through `ReplicaReadsMiddleware`. Once a request writes,
its later reads go to the primary too, so it never misses its own write in the replica's lag.
"""

import contextvars

from django.conf import settings

PRIMARY = "default"
REPLICA = "replica"

_reads_from_replica = contextvars.ContextVar("reads_from_replica", default=False)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        return REPLICA if _reads_from_replica.get() else PRIMARY

    def db_for_write(self, model, **hints):
        _reads_from_replica.set(False)
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        return True  # both aliases hold the same data

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY  # the replica follows the primary by replication


class ReplicaReadsMiddleware:
    """Mark public GET/HEAD requests as allowed to read from the replica (a no-op without one)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        admin = request.path.startswith(f"/{settings.ADMIN_URL}")
        token = _reads_from_replica.set(request.method in {"GET", "HEAD"} and not admin)
        try:
            return self.get_response(request)
        finally:
            _reads_from_replica.reset(token)
