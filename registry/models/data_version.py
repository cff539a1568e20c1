"""The version row the public-state token reads (registry/public_state.py)."""

from django.db import models


class DataVersion(models.Model):
    """One row, moved by database triggers on every write to the tables public answers are made of.

    The triggers and the token that reads this row live in `registry/public_state.py`.
    """

    ROW = 1

    number = models.BigIntegerField(default=0, help_text="Moves forward on every write.")
    changed_at = models.DateTimeField(help_text="When the last write was committed (never goes back).")

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"Data version {self.number}"
