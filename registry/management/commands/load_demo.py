from django.core.management.base import BaseCommand

from registry.demo import load_demo
from registry.models import Nomination


class Command(BaseCommand):
    help = "Load the seed award record and clearly fictional demo data. Safe to run again."

    def handle(self, *args, **options):
        seed_award = load_demo()
        public = Nomination.objects.public().count()
        self.stdout.write(
            self.style.SUCCESS(f"Demo data ready: {public} public awards; seed record: {seed_award}.")
        )
