"""Checks over what xinan records today: the organisation and its 三员 (``org``), login accounts
(``identity``) and attestations (``attestations``). Imported by ``PolicyConfig.ready``; each
module registers its checks with ``xinan.policy.checks.check``. They may move to the apps' own
``checks.py`` (autodiscovered) without changing their ids."""

from . import attestations, identity, org  # noqa: F401
