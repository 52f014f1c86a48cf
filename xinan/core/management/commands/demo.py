from django.core.management.base import BaseCommand, CommandError

from xinan.core.demo import demo_loaded, load_demo


class Command(BaseCommand):
    help = "载入演示单位(部门、岗位、约40名人员、三员与部门负责人)/ load the demo organisation"

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true",
                            help="已有人员数据时跳过 / do nothing when people are already recorded")

    def handle(self, *args, **opts):
        if demo_loaded():
            if opts["if_empty"]:
                self.stdout.write("演示数据已存在,跳过 / demo data already present, skipped")
                return
            raise CommandError("数据库中已有人员,演示数据只能载入空库 / the database already holds people")
        logins = load_demo()
        self.stdout.write(self.style.SUCCESS("演示单位已载入 / demo organisation loaded"))
        self.stdout.write("演示账号 / demo logins (三员首次登录须绑定双因素认证 / the 三员 enrol a second factor at first login):")
        for username, password, roles in logins:
            self.stdout.write(f"  {username:<10} {password:<16} {roles}")
