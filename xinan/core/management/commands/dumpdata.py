"""Django's ``dumpdata`` would print every table, password hashes and personal data included,
with no audit event: ``xinan dump`` writes the organisation without secrets and is audited."""

from xinan.identity.management.commands._refused import refusing

Command = refusing(
    "dumpdata 会导出口令散列与个人信息且不记审计,已停用;请用 xinan dump(见 docs/bundle.md)/ dumpdata would print "
    "password hashes and personal data unaudited and is disabled; use xinan dump (docs/bundle.md)"
)
