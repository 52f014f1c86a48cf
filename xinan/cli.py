"""The ``xinan`` console script: Django's management commands under the product's name.

``xinan migrate``, ``xinan demo``, ``xinan audit verify`` … are the commands of
``manage.py``; ``xinan --help`` lists them.
"""

import os
import sys


# Django's account commands would write past the services, the password rules and the audit chain.
BYPASSING_COMMANDS = {
    "createsuperuser": "xinan 没有超级用户;账号在“账号管理”页面开设,角色经授权与批准获得(xinan demo 载入演示账号)/ "
                       "xinan has no superuser: open accounts on the account administration page; roles come by "
                       "grant and approval (xinan demo loads demo logins)",
    "changepassword": "请在“修改口令”页面修改口令,或由系统管理员在“账号管理”页面重置 / change passwords on the "
                      "password page, or have the system administrator reset them on the account page",
}


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xinan.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv if argv is None else argv)
    if len(argv) > 1 and argv[1] in BYPASSING_COMMANDS:
        sys.stderr.write(BYPASSING_COMMANDS[argv[1]] + "\n")
        raise SystemExit(1)
    argv[0] = "xinan"
    if len(argv) == 1 or argv[1] in ("-h", "--help"):
        argv[1:2] = ["help"]
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
