"""A small authenticated-encryption box for secrets kept in the database (the TOTP seed).

AES-256-GCM from ``cryptography``; the key lives outside the database, in
``settings.IDENTITY_KEY_FILE`` (default ``DATA_DIR/keys/identity.key``), created with mode 0600
on first use. The file is JSON ``{"current": "v1", "keys": {"v1": <hex>}, "mac": <hex>}``;
a ciphertext is ``"<key id>:<base64(nonce || ciphertext+tag)>"`` so a new key can be added
and made current while older ciphertexts still open (rotation without downtime). Each
ciphertext is bound to its purpose (``aad``, e.g. the account it belongs to), so a value
copied into another row does not open. p27.2.12-c, p04.4-a: secrets are never stored in clear.

A later crypto app generalises this; the format is meant to carry over.
"""

import base64
import hashlib
import hmac
import json
import os
import secrets
from functools import lru_cache
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.utils.translation import gettext as _

NONCE_BYTES = 12


class SecretsBoxError(Exception):
    pass


def key_path() -> Path:
    configured = getattr(settings, "IDENTITY_KEY_FILE", None)
    return Path(configured) if configured else Path(settings.DATA_DIR) / "keys" / "identity.key"


@lru_cache(maxsize=4)
def _material(path: Path) -> dict:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        data = {"current": "v1", "keys": {"v1": secrets.token_hex(32)}, "mac": secrets.token_hex(32)}
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process created it first: use theirs
            return json.loads(path.read_text())
        with os.fdopen(fd, "w") as f:
            json.dump(data, f)
    return json.loads(path.read_text())


def material() -> dict:
    return _material(key_path())


def reset_cache() -> None:
    _material.cache_clear()


def encrypt(plaintext: str, aad: str) -> str:
    data = material()
    key_id = data["current"]
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(bytes.fromhex(data["keys"][key_id])).encrypt(nonce, plaintext.encode(), aad.encode())
    return f"{key_id}:{base64.b64encode(nonce + sealed).decode()}"


def decrypt(token: str, aad: str) -> str:
    key_id, _sep, body = token.partition(":")
    key_hex = material()["keys"].get(key_id)
    if not body or key_hex is None:
        raise SecretsBoxError(_("密文格式或密钥版本未知 / unknown ciphertext format or key version"))
    raw = base64.b64decode(body)
    try:
        plain = AESGCM(bytes.fromhex(key_hex)).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], aad.encode())
    except InvalidTag as exc:
        raise SecretsBoxError(_("密文校验失败 / the ciphertext does not authenticate")) from exc
    return plain.decode()


def keyed_hash(value: str, purpose: str) -> str:
    """HMAC-SHA256 under the box's MAC key: for high-entropy one-time values (recovery codes)
    that are looked up by their hash; a copy of the database alone cannot test guesses."""
    mac = hmac.new(bytes.fromhex(material()["mac"]), f"{purpose}\x00{value}".encode(), hashlib.sha256)
    return f"hmac-sha256:{mac.hexdigest()}"
