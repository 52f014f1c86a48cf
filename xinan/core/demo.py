"""The demo organisation: an express-courier company (快递有限公司) with departments, posts,
about forty people, the three 三员 holders, department heads and a deputy general manager.

Everything is written through the services, so the audit chain records the demo like any data.
"""

from django.db import transaction


from xinan.audit.services import audited_write, record
from xinan.org import services as org
from xinan.org.models import Person, Role

COMPANY = ("HQ", "鑫安快递有限公司")
DEPARTMENTS = [
    # code, name, parent code
    ("GMO", "总经理办公室", "HQ"),
    ("IT", "信息技术部", "HQ"),
    ("SEC", "安全保密办公室", "HQ"),
    ("ADM", "综合管理部", "HQ"),
    ("FIN", "财务部", "HQ"),
    ("HR", "人力资源部", "HQ"),
    ("CS", "客户服务部", "HQ"),
    ("OPS", "运营部", "HQ"),
    ("OPS-E", "华东分拨中心", "OPS"),
    ("OPS-S", "华南分拨中心", "OPS"),
]
POSTS = [
    # code, name, department, duties
    ("GM", "总经理", "GMO", "全面负责公司经营与信息安全第一责任"),
    ("DGM", "副总经理", "GMO", "分管信息安全,审批计算机调用、授权等事项"),
    ("NETADM", "网络管理员", "IT", "负责公司内所有计算机、网络与服务器的管理"),
    ("SYSADM", "系统管理员", "IT", "负责系统与账号管理"),
    ("SECADM", "安全保密管理员", "SEC", "负责授权与安全参数"),
    ("AUDITOR", "安全审计员", "SEC", "负责审计日志的审查"),
    ("HEAD", "部门经理", None, "负责本部门人员、资产与审批"),
    ("CLERK", "文员", None, "日常事务"),
    ("CSR", "客服专员", "CS", "处理客户咨询与投诉,接触客户信息"),
    ("SORTER", "分拣员", None, "分拨中心作业"),
    ("ACCT", "会计", "FIN", "财务核算"),
]
# employee no, name, department, post, roles, username (people with a login)
PEOPLE = [
    ("E0001", "周建国", "GMO", "GM", [], None),
    ("E0002", "陈立伟", "GMO", "DGM", ["deputy_gm"], "dgm"),
    ("E0003", "李明", "IT", "SYSADM", ["system_admin"], "sysadmin"),
    ("E0004", "王芳", "SEC", "SECADM", ["security_admin"], "secadmin"),
    ("E0005", "赵强", "SEC", "AUDITOR", ["auditor"], "auditor"),
    ("E0006", "孙海涛", "IT", "HEAD", ["department_head:IT"], "it_head"),
    ("E0007", "刘洋", "IT", "NETADM", ["staff"], "netadmin"),
    ("E0008", "吴敏", "ADM", "HEAD", ["department_head:ADM"], None),
    ("E0009", "郑丽", "FIN", "HEAD", ["department_head:FIN"], None),
    ("E0010", "黄磊", "HR", "HEAD", ["department_head:HR"], None),
    ("E0011", "何静", "CS", "HEAD", ["department_head:CS"], "cs_head"),
    ("E0012", "马超", "OPS", "HEAD", ["department_head:OPS"], None),
    ("E0013", "林晓燕", "CS", "CSR", ["staff"], "staff"),
]
OTHER_NAMES = [
    "张伟", "王秀英", "李娜", "刘杰", "陈静", "杨勇", "赵艳", "黄军", "周鹏", "吴婷", "徐涛", "孙丹",
    "胡斌", "朱红", "高翔", "林峰", "何琳", "郭亮", "罗敏", "梁宇", "宋佳", "谢飞", "韩雪", "唐浩",
    "冯雨", "董晨", "萧然",
]
OTHER_PLACES = [("CS", "CSR"), ("OPS-E", "SORTER"), ("OPS-S", "SORTER"), ("FIN", "ACCT"), ("ADM", "CLERK"),
                ("HR", "CLERK"), ("IT", "CLERK")]
# Demo passwords satisfy the rules: administrators more than 8 characters, others more than 6.
DEMO_PASSWORDS = {
    "sysadmin": "Qv7#Harbor2026", "secadmin": "Rk4#Meadow2026", "auditor": "Tp9#Lantern2026",
    "dgm": "Wb3#Orchid2026", "it_head": "Fj6#Pebble26", "cs_head": "Nu8#Cedar26",
    "netadmin": "Ke5#Willow26", "staff": "Yo2#Maple26",
}


def demo_loaded() -> bool:
    return Person.objects.exists()


@transaction.atomic
def load_demo() -> list[tuple[str, str, str]]:
    """Loads the demo organisation; returns (username, password, roles) of the demo logins."""

    from xinan.identity.services import account_create

    departments = {}
    company = org.department_create(None, code=COMPANY[0], name=COMPANY[1], reason="演示数据")
    departments[COMPANY[0]] = company
    for code, name, parent in DEPARTMENTS:
        departments[code] = org.department_create(None, code=code, name=name, parent=departments[parent],
                                                  reason="演示数据")
    posts = {}
    for code, name, dept, duties in POSTS:
        posts[code] = org.post_create(None, code=code, name=name, department=departments.get(dept), duties=duties,
                                      reason="演示数据")
    roles = {r.code: r for r in Role.objects.all()}
    logins = []
    rows = list(PEOPLE)
    for i, name in enumerate(OTHER_NAMES):
        dept, post = OTHER_PLACES[i % len(OTHER_PLACES)]
        rows.append((f"E{14 + i:04d}", name, dept, post, ["staff"], None))
    for number, name, dept, post, role_codes, username in rows:
        person = org.person_create(None, employee_no=number, name=name, department=departments[dept],
                                   post=posts[post], phone=f"1380000{int(number[1:]):04d}",
                                   email=f"{number.lower()}@xinan-express.example", reason="演示数据")
        for spec in role_codes:
            code, _sep, dept_code = spec.partition(":")
            org.role_grant_direct(None, person=person, role=roles[code],
                                  department=departments[dept_code] if dept_code else None, reason="演示数据")
        if username:
            password = DEMO_PASSWORDS[username]
            user = account_create(None, person, username, password, reason="演示数据")
            with audited_write():  # demo logins start usable; real accounts change at first login
                user.must_change_password = False
                user.save(update_fields=["must_change_password"])
                record(None, "identity.account.update", user, before={"must_change_password": True},
                       after={"must_change_password": False}, reason="演示数据")
            logins.append((username, password, "、".join(str(roles[s.partition(":")[0]].name) for s in role_codes)))

    return logins
