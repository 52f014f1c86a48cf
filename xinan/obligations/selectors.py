"""Reads for the pages and the API: a user's tasks, all tasks with filters, notifications.
Each is one queryset (related rows joined), whatever the number of tasks."""

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from xinan.org.models import RoleAssignment

from .models import Notification, Task

RELATED = ("assignee_person", "assignee_role", "assignee_post", "department", "done_by")


def _base():
    return Task.objects.select_related(*RELATED)


def mine_q(user) -> Q:
    """Tasks assigned to the user's person, to a role they actively hold, or to their post."""
    person = getattr(user, "person", None)
    if person is None or person.status != person.Status.ACTIVE:
        return Q(pk__in=[])
    held = RoleAssignment.objects.filter(person=person, status=RoleAssignment.Status.ACTIVE,
                                         role_id=OuterRef("assignee_role_id"))
    q = Q(assignee_person=person) | Q(Exists(held), assignee_role__isnull=False)
    if person.post_id:
        q |= Q(assignee_post_id=person.post_id)
    return q


def tasks_mine(user, *, pending: bool = True):
    qs = _base().filter(mine_q(user))
    return qs.filter(status__in=Task.PENDING) if pending else qs


def tasks_to_follow_up(user):
    """Pending tasks escalated to the user (a department head or security administrator)."""
    person = getattr(user, "person", None)
    if person is None:
        return Task.objects.none()
    sent = Notification.objects.filter(task_id=OuterRef("pk"), recipient=person, kind=Notification.Kind.ESCALATION)
    return _base().filter(Exists(sent), status__in=Task.PENDING)


def tasks_recently_done(user, limit: int = 20):
    return tasks_mine(user, pending=False).filter(status=Task.Status.DONE).order_by("-done_at")[:limit]


def overdue_q(now=None) -> Q:
    """Past due and still pending (marked overdue by the scheduler, or not yet marked)."""
    return Q(status__in=[Task.Status.OVERDUE, Task.Status.ESCALATED]) | Q(status=Task.Status.OPEN,
                                                                         due_at__lte=now or timezone.now())


def tasks_filtered(*, status: str = "", obligation: str = "", department=None, overdue: bool = False, now=None):
    qs = _base()
    if status:
        qs = qs.filter(status=status)
    if obligation:
        qs = qs.filter(obligation=obligation)
    if department:
        qs = qs.filter(department=department)
    if overdue:
        qs = qs.filter(overdue_q(now))
    return qs.order_by("-due_at", "-pk")


def notifications_for(user):
    person = getattr(user, "person", None)
    if person is None:
        return Notification.objects.none()
    return Notification.objects.filter(recipient=person).select_related("task")


def unread_count(user) -> int:
    return notifications_for(user).filter(read_at__isnull=True).count()
