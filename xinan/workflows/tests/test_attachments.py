"""Attachments: type allow-list checked by content, size limit (editable parameter), SM3 and
SHA-256 digests, storage under MEDIA_ROOT/workflows/, audited uploads, refusals and downloads."""

import hashlib
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from xinan.audit.models import AuditEvent
from xinan.core.parameters import parameter_set
from xinan.workflows import attachments, services
from xinan.workflows.models import WorkflowAttachment

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def stored_files(media) -> list:
    return [p for p in (Path(media) / "workflows").rglob("*") if p.is_file()]


def test_a_pdf_is_stored_by_digest(o, start, media):
    instance = start()
    row = services.workflow_attach(o.requester, instance, SimpleUploadedFile("../../证明材料.pdf", PDF), comment="证明")
    assert row.name == "证明材料.pdf" and row.content_type == "application/pdf" and row.size == len(PDF)
    assert row.sm3 == hashlib.new("sm3", PDF).hexdigest() and row.sha256 == hashlib.sha256(PDF).hexdigest()
    path = Path(media) / row.path
    assert path.read_bytes() == PDF and path.parent.parent == Path(media) / "workflows"
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    event = AuditEvent.objects.get(action="workflow.attach", subject_id=str(instance.pk))
    assert event.after["sm3"] == row.sm3 and event.after["size"] == len(PDF) and event.reason == "证明"


def test_files_with_a_decision(o, start):
    instance = start()
    services.workflow_act(o.head, instance, "approve", "见附件", files=[("意见.txt", "同意。".encode())])
    row = WorkflowAttachment.objects.get(instance=instance)
    assert row.action.decision == "approve" and row.step.code == "department_head" and row.uploaded_by == o.head
    event = AuditEvent.objects.get(action="workflow.approve", subject_id=str(instance.pk))
    assert event.after["attachments"] == [row.sm3]


@pytest.mark.parametrize("name,content,fragment", [
    ("tool.exe", b"MZ\x90\x00", "不允许的附件类型"),
    ("noext", b"hello", "不允许的附件类型"),
    ("fake.pdf", b"MZ\x90\x00 not a pdf", "附件内容与文件类型不符"),
    ("fake.png", PDF, "附件内容与文件类型不符"),
    ("latin1.txt", "café".encode("latin-1"), "UTF-8"),
    ("empty.pdf", b"", "附件为空"),
])
def test_refused_files_are_audited_and_not_stored(o, start, media, name, content, fragment):
    instance = start()
    with pytest.raises(ValidationError, match=fragment):
        services.workflow_attach(o.requester, instance, (name, content))
    assert not WorkflowAttachment.objects.exists()
    assert stored_files(media) == []
    event = AuditEvent.objects.filter(action="workflow.refused", subject_id=str(instance.pk)).latest("seq")
    assert event.after["attempt"] == "attach" and event.after["name"] == name and fragment in event.after["refused"]


def test_size_limit_is_an_editable_parameter(o, start):
    instance = start()
    big = PDF + b"0" * (1024 * 1024)
    services.workflow_attach(o.requester, instance, ("big.pdf", big))  # under the 10 MB default
    parameter_set(o.secadmin, "workflows.attachment.max_mb", 1, reason="收紧")
    with pytest.raises(ValidationError, match="超过大小上限 1 MB"):
        services.workflow_attach(o.requester, instance, SimpleUploadedFile("big2.pdf", big + b"1"))
    assert WorkflowAttachment.objects.count() == 1


def test_a_rejected_decision_keeps_no_file(o, start, media):
    instance = start()
    with pytest.raises(PermissionDenied):
        services.workflow_act(o.clerk, instance, "approve", files=[("x.pdf", PDF)])
    assert not WorkflowAttachment.objects.exists()
    assert stored_files(media) == []  # stored before the refusal, removed with it


def test_only_participants_attach_and_not_after_the_end(o, start):
    instance = start()
    with pytest.raises(PermissionDenied):
        services.workflow_attach(o.clerk, instance, ("a.pdf", PDF))
    services.workflow_cancel(o.requester, instance)
    with pytest.raises(ValidationError, match="流程已结束"):
        services.workflow_attach(o.requester, instance, ("a.pdf", PDF))


def test_download_is_audited_and_a_tampered_file_is_detected(o, start, media, login):
    instance = start()
    row = services.workflow_attach(o.requester, instance, ("a.pdf", PDF))
    assert services.attachment_read(o.head, row) == PDF
    assert AuditEvent.objects.filter(action="workflow.attachment_download", actor_id=o.head.pk).count() == 1
    with pytest.raises(PermissionDenied):
        services.attachment_read(o.other_head, row)
    response = login(o.head).get(f"/workflows/attachments/{row.pk}/")
    assert response.status_code == 200 and response.content == PDF
    assert response["Content-Type"] == "application/pdf" and "attachment;" in response["Content-Disposition"]
    (Path(media) / row.path).write_bytes(PDF + b"x")
    with pytest.raises(ValidationError, match="篡改"):
        services.attachment_read(o.head, row)


def test_the_allow_list_checks_magic_bytes_for_every_binary_type():
    for ext, (content_type, magic) in attachments.ALLOWED.items():
        if magic is None:
            continue
        assert attachments.check(f"f.{ext}", magic[0] + b"rest") == (f"f.{ext}", content_type)
        with pytest.raises(ValidationError):
            attachments.check(f"f.{ext}", b"XXXX" + magic[0])
