"""Keys of the audit chain, read from outside the database (``settings.AUDIT_KEY_FILE``).

The file holds a JSON object: ``{"hmac": <hex>, "signing": <PEM of an Ed25519 private key>}``.
It is created with mode 0600 on first use. Digests of personal data and secrets in the audit
images are HMAC-SM3 under ``hmac``; checkpoints are signed with ``signing``.
"""

import hashlib
import json
import os
import secrets
from functools import lru_cache

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings


@lru_cache(maxsize=1)
def _material() -> dict:
    path = settings.AUDIT_KEY_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        private = Ed25519PrivateKey.generate()
        pem = private.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ).decode()
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            json.dump({"hmac": secrets.token_hex(32), "signing": pem}, f)
    return json.loads(path.read_text())


def hmac_key() -> bytes:
    return bytes.fromhex(_material()["hmac"])


def signing_key() -> Ed25519PrivateKey:
    return serialization.load_pem_private_key(_material()["signing"].encode(), password=None)


def key_id() -> str:
    """A short, public fingerprint of the signing key, stored with each checkpoint."""
    public = signing_key().public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.new("sm3", public).hexdigest()[:16]


def reset_cache() -> None:
    _material.cache_clear()
