"""Fixtures of the identity tests.

Passwords are hashed with the real Argon2id hasher, with a smaller memory and time cost so the
many logins of these tests stay quick (the hash format, and so every check, is the same). The
secrets box gets its own key file under the test's temporary directory.
"""

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher

from xinan.identity import secrets_box


class QuickArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 1
    memory_cost = 1024
    parallelism = 1



@pytest.fixture(autouse=True)
def _quick_hasher_and_keys(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["xinan.identity.tests.conftest.QuickArgon2PasswordHasher"]
    settings.IDENTITY_KEY_FILE = tmp_path / "keys" / "identity.key"
    secrets_box.reset_cache()
    from xinan.identity import services

    services._dummy_hash.cache_clear()
    yield
    secrets_box.reset_cache()


@pytest.fixture
def security_admin(make_user):
    return make_user("security_admin", name="安全员")


@pytest.fixture
def system_admin(make_user):
    return make_user("system_admin", name="系统员")


@pytest.fixture
def staff(make_user):
    return make_user("staff", name="张伟")
