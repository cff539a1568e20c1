from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate


class RegistryConfig(AppConfig):
    name = "registry"
    verbose_name = "Awards registry"

    def ready(self):
        # Search: SQLite gets the `registry_fold` SQL function PostgreSQL has (registry/search.py).
        from .public_state import install_after_migrate
        from .search import register_sqlite_function

        connection_created.connect(register_sqlite_function, dispatch_uid="registry_fold_sqlite")
        # The triggers that move the public-state token on every write (registry/public_state.py).
        post_migrate.connect(install_after_migrate, sender=self, dispatch_uid="registry_write_triggers")
