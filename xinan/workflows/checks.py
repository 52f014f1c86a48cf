"""The workflow engine's check: steps past their deadline.

No clause of the seed sets a deadline for an approval, so the check does not claim one: a
finding names the clauses the overdue instance's definition says it implements (its
``clauses``, e.g. 调用记录单 p01.2.7.b-b), as a warning that the record the clause requires is
still waiting. Instances of definitions that name no clause are listed by
``selectors.overdue`` (the inbox's 超期 tab) without a finding.
"""

from django.utils import timezone

from xinan.policy.checks import check

from .models import WorkflowDefinition, WorkflowInstance


def _clauses():
    names = set()
    for clauses in WorkflowDefinition.objects.values_list("clauses", flat=True):
        names.update(clauses or [])
    return sorted(names)


@check(None, check_id="workflow_overdue", severity="warning", subjects=("workflows.workflowinstance",),
       narrow="workflows.workflowinstance", covers=_clauses)
def workflow_overdue(ctx):
    """审批超期:流程当前步骤已超过办理时限。"""
    rows = ctx.only(WorkflowInstance.objects.filter(state=WorkflowInstance.State.RUNNING, due_at__lt=ctx.as_of))
    findings = []
    for r in rows.order_by("pk").values("pk", "subject_label", "due_at", "definition__name", "definition__clauses",
                                        "current_step__name", "current_step__deadline", "code"):
        label = f"{r['definition__name']} #{r['pk']}:{r['subject_label']}"
        due = f"{timezone.localtime(r['due_at']):%Y-%m-%d %H:%M}"
        for clause in r["definition__clauses"] or []:
            findings.append(ctx.found(
                ("workflows.workflowinstance", r["pk"], label),
                f"{label} 的「{r['current_step__name']}」已超过办理时限({r['current_step__deadline']},应于 {due} 前办理)",
                f"workflow {r['code']} #{r['pk']}: step “{r['current_step__name']}” is past its deadline ({due})",
                clause=clause, since=r["due_at"], key=clause,
                evidence={"step": r["current_step__name"], "deadline": r["current_step__deadline"], "due_at": r["due_at"]},
            ))
    return findings
