"""The ``xinan`` console script: Django's management commands under the product's name.

``xinan migrate``, ``xinan demo``, ``xinan audit verify`` … are the commands of
``manage.py``; ``xinan --help`` lists them.
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xinan.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv if argv is None else argv)
    argv[0] = "xinan"
    if len(argv) == 1 or argv[1] in ("-h", "--help"):
        argv[1:2] = ["help"]
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
