"""Account administration pages (p04.4-b: every account has a password; p04.4-c: accounts of
people who leave are disabled): open, reset password, disable, reset second factor."""

from xinan.audit.models import AuditEvent
from xinan.identity.models import User


def test_system_admin_opens_an_account_that_must_change_password(make_user, make_person, login):
    client = login(make_user("system_admin"))
    person = make_person(name="周新")
    response = client.post("/account/accounts/new/", {"person": person.pk, "username": "zhouxin2",
                                                      "password": "Gh5#Tundra88"})
    assert response.status_code == 302, response.content.decode()[-1500:]
    user = User.objects.get(username="zhouxin2")
    assert user.person == person and user.must_change_password
    assert AuditEvent.objects.filter(action="identity.account.create", subject_id=str(user.pk)).exists()
    assert "Gh5#Tundra88" not in str(list(AuditEvent.objects.values_list("after", flat=True)))


def test_weak_initial_password_is_refused_with_the_rule(make_user, make_person, login):
    client = login(make_user("system_admin"))
    person = make_person(name="周新")
    response = client.post("/account/accounts/new/", {"person": person.pk, "username": "zhouxin3", "password": "123456"})
    assert response.status_code == 400
    assert "口令" in response.content.decode()
    assert not User.objects.filter(username="zhouxin3").exists()


def test_reset_password_and_deactivate(make_user, login):
    admin = make_user("system_admin")
    target = make_user("staff")
    client = login(admin)
    client.post(f"/account/accounts/{target.pk}/action/", {"action": "reset_password", "password": "Lp8#Quartz77"})
    target.refresh_from_db()
    assert target.must_change_password and target.check_password("Lp8#Quartz77")
    client.post(f"/account/accounts/{target.pk}/action/", {"action": "deactivate", "reason": "停用测试"})
    target.refresh_from_db()
    assert not target.is_active
    assert AuditEvent.objects.filter(action="identity.account.deactivate", subject_id=str(target.pk)).exists()


def test_pages_refused_without_permission(make_user, login):
    client = login(make_user("staff"))
    assert client.get("/account/accounts/").status_code == 403
    assert client.get("/account/accounts/new/").status_code == 403
    other = make_user("staff")
    client.post(f"/account/accounts/{other.pk}/action/", {"action": "deactivate", "reason": "x"})
    other.refresh_from_db()
    assert other.is_active
