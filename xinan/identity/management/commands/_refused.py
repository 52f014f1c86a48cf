"""Django commands that would write accounts or data past the services (and so past the audit
chain and the password rules) are replaced by commands that say what to use instead."""

from django.core.management.base import BaseCommand, CommandError


def refusing(message: str) -> type[BaseCommand]:
    class Command(BaseCommand):
        help = message

        def add_arguments(self, parser):
            parser.add_argument("args", nargs="*")

        def run_from_argv(self, argv):
            self.handle()

        def handle(self, *args, **options):
            raise CommandError(message)

    return Command
