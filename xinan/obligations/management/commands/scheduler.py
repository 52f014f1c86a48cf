"""``xinan scheduler``: the same as ``xinan worker`` (the name ``make run`` starts)."""

from .worker import Command as WorkerCommand


class Command(WorkerCommand):
    pass
