"""Samples for the generic register tests of 部门, 岗位, 人员."""

import itertools

from xinan.core.testing import Sample
from xinan.org import services

_n = itertools.count(1)


def _department(n=None):
    n = n or next(_n)
    return services.department_create(None, code=f"S-D{n:04d}-{next(_n)}", name=f"样例部门{n}")


def make_department(n):
    return {"code": f"T-D{n:03d}-{next(_n)}", "name": f"测试部门{n}", "parent": _department(), "description": ""}


def make_post(n):
    return {"code": f"T-P{n:03d}-{next(_n)}", "name": f"测试岗位{n}", "department": _department(), "duties": "负责测试"}


def make_person(n):
    return {"employee_no": f"T{n:03d}{next(_n):05d}", "name": f"测试人员{n}", "department": _department(),
            "post": None, "phone": "13800000000", "email": f"t{n}@example.cn", "birth_date": None, "joined_on": None}


def _depart(person):
    services.person_depart(None, person, reason="测试离职")


SAMPLES = {
    "departments": Sample(make=make_department, text_field="name", invalid={"code": ""}),
    "posts": Sample(make=make_post, text_field="name", invalid={"code": ""}),
    "people": Sample(make=make_person, text_field="name", before_archive=_depart, invalid={"email": "not-an-email"}),
}
