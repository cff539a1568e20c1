from django.apps import AppConfig
from django.db.backends.signals import connection_created


class RegistryConfig(AppConfig):
    name = "registry"
    verbose_name = "Awards registry"

    def ready(self):
        # Search: SQLite gets the `registry_fold` SQL function PostgreSQL has (registry/search.py).
        from .search import register_sqlite_function

        connection_created.connect(register_sqlite_function, dispatch_uid="registry_fold_sqlite")
