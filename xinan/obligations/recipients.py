"""Who a batch of tasks concerns: the assignees, the heads of their departments, the security
administrators. A fixed number of queries per batch, whatever its size (never one per task)."""

from xinan.org.models import Department, Person, RoleAssignment

ACTIVE = RoleAssignment.Status.ACTIVE


class Recipients:
    """Built from task rows (dicts with ``pk``, ``assignee_person_id``, ``assignee_role_id``,
    ``assignee_post_id``): ``assignees(row)``, ``heads(row)``, ``security_admins``."""

    def __init__(self, rows: list[dict]):
        self.rows = rows
        role_ids = {r["assignee_role_id"] for r in rows if r["assignee_role_id"]}
        post_ids = {r["assignee_post_id"] for r in rows if r["assignee_post_id"]}
        person_ids = {r["assignee_person_id"] for r in rows if r["assignee_person_id"]}
        self.by_role: dict[int, set[int]] = {}
        self.by_post: dict[int, set[int]] = {}
        self.department_of: dict[int, int] = {}
        self.active: set[int] = set()
        if role_ids:
            for role_id, person_id, dept_id in (RoleAssignment.objects
                                                .filter(role_id__in=role_ids, status=ACTIVE, person__status=Person.Status.ACTIVE)
                                                .values_list("role_id", "person_id", "person__department_id")):
                self.by_role.setdefault(role_id, set()).add(person_id)
                self.department_of[person_id] = dept_id
                self.active.add(person_id)
        if post_ids or person_ids:
            people = Person.objects.filter(status=Person.Status.ACTIVE)
            for person_id, post_id, dept_id in (people.filter(post_id__in=post_ids) | people.filter(pk__in=person_ids)
                                                ).values_list("pk", "post_id", "department_id"):
                if post_id in post_ids:
                    self.by_post.setdefault(post_id, set()).add(person_id)
                self.department_of[person_id] = dept_id
                self.active.add(person_id)
        self._heads = None
        self._parents = None
        self._admins = None

    def assignees(self, row) -> set[int]:
        """The people the task is for: its person (while active), or the active holders of its
        role or post."""
        if row["assignee_person_id"]:
            return {row["assignee_person_id"]} & self.active
        if row["assignee_role_id"]:
            return set(self.by_role.get(row["assignee_role_id"], ()))
        if row["assignee_post_id"]:
            return set(self.by_post.get(row["assignee_post_id"], ()))
        return set()

    def _load_heads(self):
        if self._heads is None:
            self._heads = {}
            for dept_id, own_dept, person_id in (RoleAssignment.objects
                                                 .filter(role__code="department_head", status=ACTIVE,
                                                         person__status=Person.Status.ACTIVE)
                                                 .values_list("department_id", "person__department_id", "person_id")):
                self._heads.setdefault(dept_id or own_dept, set()).add(person_id)
            self._parents = dict(Department.objects.values_list("pk", "parent_id"))

    def heads(self, row) -> set[int]:
        """Level 1: the head (department_head grant) of each assignee's department, or of the
        nearest department above it that has one; never the assignee alone."""
        self._load_heads()
        assignees = self.assignees(row)
        if row["assignee_person_id"]:
            departments = {self.department_of.get(row["assignee_person_id"]) or row.get("department_id")}
        elif row.get("department_id"):
            departments = {row["department_id"]}
        else:
            departments = {self.department_of[p] for p in assignees if p in self.department_of}
        found: set[int] = set()
        for dept in departments - {None}:
            seen = set()
            while dept is not None and dept not in seen:
                seen.add(dept)
                heads = self._heads.get(dept, set()) - assignees
                if heads:
                    found |= heads
                    break
                dept = self._parents.get(dept)
        return found

    @property
    def security_admins(self) -> set[int]:
        """Level 2: the active holders of the security administrator's role."""
        if self._admins is None:
            self._admins = set(RoleAssignment.objects.filter(role__code="security_admin", status=ACTIVE,
                                                             person__status=Person.Status.ACTIVE)
                               .values_list("person_id", flat=True))
        return self._admins
