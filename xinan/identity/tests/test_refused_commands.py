import pytest
from django.core.management import CommandError, call_command

from xinan.cli import main


def test_loaddata_which_bypasses_services_is_refused(db):
    with pytest.raises(CommandError, match="/"):
        call_command("loaddata")


@pytest.mark.parametrize("name", ["createsuperuser", "changepassword"])
def test_xinan_refuses_django_account_commands(name, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["xinan", name])
    assert exit_info.value.code == 1 and "/" in capsys.readouterr().err
