"""Loading organisation bundles (xinan load): paths in errors, all-or-nothing, dependency order,
the services and the audit chain, 三员 in grants (p21.5.1.1), accounts and their password rules
(p04.3-b/c), --dry-run, --as USER."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from xinan.audit.models import AuditEvent
from xinan.core.bundles import load_bundle, load_data, sm3_digest
from xinan.identity.models import User
from xinan.org.models import Department, Person, Role, RoleAssignment

pytestmark = pytest.mark.django_db


def bundle(records=None, **sections):
    return {"xinan_bundle": 1, "records": records or {}, **sections}


ORG = {
    # children before parents, people before their departments: the loader orders them
    "people": [{"employee_no": "B001", "name": "李明", "department": "B-IT", "post": "B-SYS"},
               {"employee_no": "B002", "name": "王芳", "department": "B-SEC", "phone": "13900000002"},
               {"employee_no": "B003", "name": "赵强", "department": "B-SEC"}],
    "posts": [{"code": "B-SYS", "name": "系统管理员", "department": "B-IT"}],
    "departments": [{"code": "B-IT", "name": "信息技术部", "parent": "B-HQ"},
                    {"code": "B-SEC", "name": "安全保密办公室", "parent": "B-HQ"},
                    {"code": "B-HQ", "name": "总部"}],
}


def _events(action):
    return AuditEvent.objects.filter(action=action)


def test_rows_load_in_dependency_order_through_the_services_with_one_bundle_event():
    content = json.dumps(bundle(ORG)).encode()
    result = load_bundle(content, name="org.json", reason="迁移")
    assert result.ok, result.errors
    assert result.records["departments"] == {"created": 3, "updated": 0, "unchanged": 0}
    assert result.records["people"]["created"] == 3
    it = Department.objects.get(code="B-IT")
    assert it.parent.code == "B-HQ"
    assert Person.objects.get(employee_no="B001").post.code == "B-SYS"
    # each record through its service: per-record events, plus the person's joining (JobChange)
    assert _events("org.department.create").count() == 3
    assert _events("org.person.create").filter(reason="迁移").count() == 3
    event = _events("bundle.load").get()
    assert event.after["digest"] == sm3_digest(content)
    assert event.after["records"]["people"]["created"] == 3
    assert event.subject_label == "org.json" and event.reason == "迁移"


def test_one_bad_value_anywhere_writes_nothing_and_every_error_names_its_path():
    records = json.loads(json.dumps(ORG))
    records["departments"][0]["parent"] = "NOPE"
    records["people"][1]["department"] = "MISSING"
    records["people"][2]["birth_date"] = "1990-13-45"
    records["people"][0]["shoe_size"] = 42
    records["posts"][0].pop("name")
    before = AuditEvent.objects.count()
    result = load_data(bundle(records))
    assert not result.ok
    text = "\n".join(result.errors)
    assert "records.departments[0].parent: 未找到部门编码为“NOPE”的部门" in text
    assert "records.people[1].department: 未找到部门编码为“MISSING”的部门" in text
    assert "records.people[2].birth_date: 日期格式应为 YYYY-MM-DD" in text
    assert "records.people[0].shoe_size: 未知字段" in text
    assert "records.posts[0].name: 必填 / required" in text
    assert len(result.errors) == 5
    assert not Department.objects.filter(code__startswith="B-").exists()
    assert AuditEvent.objects.count() == before


def test_errors_only_the_services_find_also_roll_back_everything_and_are_all_listed():
    records = json.loads(json.dumps(ORG))
    records["people"][0]["email"] = "not-an-email"
    records["people"][2]["email"] = "also bad"
    result = load_data(bundle(records))
    assert not result.ok
    assert [e.split(":")[0] for e in result.errors] == ["records.people[0].email", "records.people[2].email"]
    assert not Department.objects.filter(code__startswith="B-").exists()
    assert not _events("bundle.load").exists()
    assert result.records == {}


def test_triad_violation_in_grants_is_refused_with_its_path_and_nothing_is_written():
    grants = [{"person": "B001", "role": "system_admin"}, {"person": "B002", "role": "security_admin"},
              {"person": "B001", "role": "auditor"}]
    result = load_data(bundle(ORG, grants=grants))
    assert len(result.errors) == 1
    assert result.errors[0].startswith("grants[2].role: 三员分离:B001 已担任或待批系统管理员,不得再兼任安全审计员")
    assert not Person.objects.filter(employee_no__startswith="B").exists()
    assert not RoleAssignment.objects.exists()


def test_triad_rule_counts_grants_already_in_the_database(make_person):
    person = make_person(employee_no="X100")
    assert load_data(bundle(grants=[{"person": "X100", "role": "auditor"}])).ok
    result = load_data(bundle(grants=[{"person": "X100", "role": "system_admin"}]))
    assert [e.split(":")[0] for e in result.errors] == ["grants[0].role"]
    assert list(person.role_assignments.values_list("role__code", flat=True)) == ["auditor"]


def test_grants_are_direct_for_the_system_and_audited():
    grants = [{"person": "B001", "role": "system_admin"}, {"person": "B002", "role": "department_head",
                                                           "department": "B-SEC"}]
    result = load_data(bundle(ORG, grants=grants), reason="初始化")
    assert result.ok, result.errors
    head = RoleAssignment.objects.get(person__employee_no="B002")
    assert head.status == "active" and head.department.code == "B-SEC" and head.reason == "初始化"
    assert _events("org.role.grant_direct").count() == 2
    again = load_data(bundle(grants=grants))
    assert again.ok and again.grants == {"unchanged": 2}
    assert RoleAssignment.objects.count() == 2


def test_unknown_registers_keys_fields_and_shapes_are_path_errors():
    data = {"xinan_bundle": 2, "extra": 1, "records": {"peoples": [], "departments": {"code": "X"},
                                                       "people": ["E1", {"employee_no": "E2", "name": "甲",
                                                                         "department": ["IT"]}]},
            "grants": {"person": "E1"}}
    errors = load_data(data).errors
    paths = [e.split(":")[0] for e in errors]
    assert paths == ["extra", "xinan_bundle", "grants", "records.peoples", "records.departments",
                     "records.people[0]", "records.people[1].department"]
    assert "未知的登记簿" in errors[3] and "people" in errors[3]


def test_yaml_and_json_are_the_same_bundle():
    yaml_text = """
xinan_bundle: 1
records:
  departments:
    - {code: Y-HQ, name: 总部}
  people:
    - employee_no: Y001
      name: 张伟
      department: Y-HQ
      birth_date: 1990-05-04   # a YAML date
      phone: 13800000000        # a YAML number, stored as text
"""
    as_json = json.dumps({"xinan_bundle": 1, "records": {
        "departments": [{"code": "Y-HQ", "name": "总部"}],
        "people": [{"employee_no": "Y001", "name": "张伟", "department": "Y-HQ", "birth_date": "1990-05-04",
                    "phone": 13800000000}]}})
    from xinan.core.bundles import parse

    assert parse(yaml_text.encode(), "x.yaml") == parse(as_json.encode(), "x.json")
    result = load_bundle(yaml_text.encode(), name="org.yml")
    assert result.ok, result.errors
    person = Person.objects.get(employee_no="Y001")
    assert str(person.birth_date) == "1990-05-04" and person.phone == "13800000000"


@pytest.mark.parametrize("content, message", [
    (b"a: &x [1]\nb: *x\n", "别名"),
    (b"xinan_bundle: 1\nxinan_bundle: 1\n", "重复的键"),
    (b'{"xinan_bundle": 1, "xinan_bundle": 1}', "重复的键"),
    (b'{"xinan_bundle": 1,', "JSON 格式错误"),
    (b"- 1\n- 2\n", "顶层须为对象"),
    (b"\xff\xfe", "UTF-8"),
])
def test_unreadable_files_are_refused_whole(content, message):
    result = load_bundle(content, name="")
    assert len(result.errors) == 1 and message in result.errors[0]


def test_dry_run_checks_everything_and_writes_nothing():
    before = AuditEvent.objects.count()
    result = load_bundle(json.dumps(bundle(ORG, grants=[{"person": "B001", "role": "auditor"}])).encode(),
                         dry_run=True)
    assert result.ok and result.dry_run
    assert result.records["people"]["created"] == 3 and result.grants == {"granted": 1}
    assert not Department.objects.filter(code__startswith="B-").exists()
    assert AuditEvent.objects.count() == before
    records = json.loads(json.dumps(ORG))
    records["people"][0]["email"] = "bad"
    failing = load_bundle(json.dumps(bundle(records)).encode(), dry_run=True)
    assert [e.split(":")[0] for e in failing.errors] == ["records.people[0].email"]


def test_reloading_updates_rows_matched_by_their_natural_key():
    assert load_data(bundle(ORG)).ok
    records = json.loads(json.dumps(ORG))
    records["departments"][2]["name"] = "集团总部"
    result = load_data(bundle(records))
    assert result.ok, result.errors
    assert result.records["departments"] == {"created": 0, "updated": 1, "unchanged": 2}
    assert result.records["people"] == {"created": 0, "updated": 0, "unchanged": 3}
    assert Department.objects.get(code="B-HQ").name == "集团总部"
    assert _events("org.department.update").count() == 1
    moved = json.loads(json.dumps(ORG))
    moved["people"][2]["department"] = "B-IT"  # placement changes only by transfer
    errors = load_data(bundle(moved)).errors
    assert errors and errors[0].startswith("records.people[2].department: 请通过调岗或离职办理")


def test_a_department_tree_that_loops_is_refused():
    result = load_data(bundle({"departments": [{"code": "L1", "name": "甲", "parent": "L2"},
                                               {"code": "L2", "name": "乙", "parent": "L1"},
                                               {"code": "L3", "name": "丙", "parent": "L3"}]}))
    assert [e.split(":")[0] for e in result.errors] == [
        "records.departments[0].parent", "records.departments[1].parent", "records.departments[2].parent"]
    assert not Department.objects.filter(code__startswith="L").exists()


def test_duplicate_natural_keys_in_one_bundle_are_refused():
    result = load_data(bundle({"departments": [{"code": "D1", "name": "甲"}, {"code": "D1", "name": "乙"}]}))
    assert result.errors == ["records.departments[1].code: 与 records.departments[0] 重复 / duplicates "
                             "records.departments[0]"]


def _role(code, permissions):
    from xinan.audit.services import audited_write, record

    with audited_write():
        role = Role(code=code, name=code, permissions=permissions, scope="organisation")
        role.save()
        record(None, "org.role.create", role)
    return role


def test_loading_as_a_user_needs_the_permissions_and_grants_become_requests(make_user):
    staff = make_user("staff")
    result = load_data(bundle(ORG, grants=[{"person": "B001", "role": "auditor"}]), actor=staff)
    paths = [e.split(":")[0] for e in result.errors]
    assert paths == ["records.people", "records.posts", "records.departments", "grants"]
    assert "org.department.import" in result.errors[2]
    _role("bundle_loader", ["org.*", "identity.account.manage"])
    loader = make_user("bundle_loader")
    result = load_data(bundle(ORG, grants=[{"person": "B001", "role": "auditor"}],
                              accounts=[{"person": "B002", "username": "wf", "password": "Lk3#Brook2026",
                                         "must_change_password": False}]), actor=loader)
    assert result.errors == ["accounts[0].must_change_password: 只有系统载入(不指定 --as)可免首次登录改口令 / only a "
                             "load by the system may skip the change at first login"]
    result = load_data(bundle(ORG, grants=[{"person": "B001", "role": "auditor"}]), actor=loader)
    assert result.ok, result.errors
    assert result.grants == {"requested": 1}
    grant = RoleAssignment.objects.get(person__employee_no="B001")
    assert grant.status == "pending" and grant.requested_by == loader
    assert _events("bundle.load").get().actor_id == loader.pk


def test_accounts_go_through_the_account_service_and_its_password_rules(make_user):
    accounts = [{"person": "B001", "username": "liming", "password": "123"}]
    grants = [{"person": "B001", "role": "system_admin"}]
    result = load_data(bundle(ORG, grants=grants, accounts=accounts))
    assert result.errors and all(e.startswith("accounts[0].password: ") for e in result.errors)
    assert "口令长度须多于 8 位" in result.errors[0]  # the administrator's rule: the grant came first
    assert not Person.objects.filter(employee_no__startswith="B").exists()
    accounts = [{"person": "B001", "username": "liming", "password": "Qv7#Harbor2026", "must_change_password": False},
                {"person": "B002", "username": "wangfang"}]
    result = load_data(bundle(ORG, grants=grants, accounts=accounts))
    assert result.ok, result.errors
    assert result.accounts == {"created": 2, "without_password": 1}
    liming = User.objects.get(username="liming")
    assert liming.check_password("Qv7#Harbor2026") and not liming.must_change_password
    assert liming.password.startswith("argon2")
    wangfang = User.objects.get(username="wangfang")
    assert wangfang.must_change_password and wangfang.has_usable_password()
    assert _events("identity.account.create").count() == 2
    assert _events("identity.account.update").get().subject_id == str(liming.pk)
    assert "Qv7#Harbor2026" not in json.dumps(list(AuditEvent.objects.values("before", "after")), ensure_ascii=False)
    taken = load_data(bundle(accounts=[{"person": "B003", "username": "liming", "password": "Zx8#River2026"},
                                       {"person": "B001", "username": "other", "password": "Zx8#River2026"}]))
    assert [e.split(":")[0] for e in taken.errors] == ["accounts[0].username", "accounts[1].person"]


def test_demo_is_a_bundle_and_prints_its_logins():
    from xinan.core.bundles import parse
    from xinan.core.demo import BUNDLE

    demo = parse(BUNDLE.read_bytes(), BUNDLE.name)
    out = io.StringIO()
    call_command("demo", stdout=out)
    text = out.getvalue()
    assert "  sysadmin   Qv7#Harbor2026   系统管理员" in text
    assert "  cs_head    Nu8#Cedar26      部门负责人" in text
    assert text.count("\n  ") == len(demo["accounts"]) >= 8
    event = _events("bundle.load").get()
    assert event.subject_label == "demo.yaml"
    assert event.after["records"]["people"]["created"] == len(demo["records"]["people"]) >= 40
    assert event.after["grants"] == {"granted": len(demo["grants"])}
    assert User.objects.filter(must_change_password=False).count() == len(demo["accounts"])
    with pytest.raises(CommandError):
        call_command("demo")


def test_load_command_reports_errors_and_loads_files(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("xinan_bundle: 1\nrecords:\n  people:\n    - {employee_no: Z1, name: 甲, department: NONE}\n",
                   encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 error"):
        call_command("load", str(bad), stderr=err)
    assert "records.people[0].department: 未找到部门编码为“NONE”的部门" in err.getvalue()
    good = tmp_path / "good.json"
    good.write_text(json.dumps(bundle(ORG)), encoding="utf-8")
    out = io.StringIO()
    call_command("load", str(good), "--dry-run", stdout=out)
    assert "dry run" in out.getvalue() and not Person.objects.exists()
    call_command("load", str(good), stdout=out)
    assert Person.objects.count() == 3
