"""Parsing and normalising network identifiers: IP addresses, prefixes (CIDR), MAC addresses and
host names, IPv4 and IPv6 alike, with Python's ``ipaddress``.

Each address is also kept as a *key*: its integer as 32 hex digits, zero-padded, so that the
database compares and orders addresses of one version as text (``first_key <= ip_key <=
last_key`` is containment in a prefix) on SQLite and PostgreSQL alike, IPv6 included (a 128-bit
number fits no integer column).
"""

import ipaddress
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

KEY_WIDTH = 32


def key(value: int) -> str:
    return f"{value:0{KEY_WIDTH}x}"


def parse_ip(raw) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    text = str(raw or "").strip()
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        raise ValidationError(_("“%(v)s”不是有效的 IP 地址 / “%(v)s” is not a valid IP address") % {"v": text},
                              code="invalid_ip") from None


def parse_cidr(raw) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    text = str(raw or "").strip()
    if "/" not in text:
        raise ValidationError(_("网段“%(v)s”应写成 地址/前缀长度,如 10.1.2.0/24 / write a prefix as address/length, "
                                "e.g. 10.1.2.0/24 (“%(v)s”)") % {"v": text}, code="invalid_cidr")
    try:
        return ipaddress.ip_network(text, strict=True)
    except ValueError as exc:
        try:
            loose = ipaddress.ip_network(text, strict=False)
        except ValueError:
            raise ValidationError(_("“%(v)s”不是有效的网段 / “%(v)s” is not a valid prefix") % {"v": text},
                                  code="invalid_cidr") from exc
        raise ValidationError(_("网段“%(v)s”的主机位不为零,应为 %(n)s / “%(v)s” has host bits set; did you mean %(n)s?")
                              % {"v": text, "n": loose.with_prefixlen}, code="invalid_cidr") from exc


MAC_HEX = re.compile(r"^[0-9a-f]{12}$")


def normalise_mac(raw) -> str:
    """``AA-BB-CC-DD-EE-FF``, ``aabb.ccdd.eeff`` (switches), ``aa:bb:…`` → ``aa:bb:cc:dd:ee:ff``;
    empty stays empty."""
    text = str(raw or "").strip().lower()
    if not text:
        return ""
    digits = re.sub(r"[\s:\-.]", "", text)
    if not MAC_HEX.match(digits):
        raise ValidationError(_("“%(v)s”不是有效的 MAC 地址 / “%(v)s” is not a valid MAC address") % {"v": raw},
                              code="invalid_mac")
    return ":".join(digits[i:i + 2] for i in range(0, 12, 2))


HOST_LABEL = re.compile(r"^(?!-)[a-z0-9_-]{1,63}(?<!-)$")


def split_hostname(raw, domain="") -> tuple[str, str]:
    """A host name as (short name, domain), lower case: ``PC-01.corp.local`` → (``pc-01``,
    ``corp.local``). An explicit ``domain`` wins over the one in the name."""
    text = str(raw or "").strip().lower().rstrip(".")
    domain = str(domain or "").strip().lower().rstrip(".")
    if not text:
        return "", domain
    short, _dot, rest = text.partition(".")
    for label in [short] + [p for p in (domain or rest).split(".") if (domain or rest)]:
        if not HOST_LABEL.match(label):
            raise ValidationError(_("“%(v)s”不是有效的主机名 / “%(v)s” is not a valid host name") % {"v": raw},
                                  code="invalid_hostname")
    return short, domain or rest


def validate_ip(value) -> None:
    parse_ip(value)


def validate_cidr(value) -> None:
    parse_cidr(value)


def validate_mac(value) -> None:
    normalise_mac(value)


def validate_hostname(value) -> None:
    split_hostname(value)


def usable_hosts(network) -> int:
    """Addresses a device can hold: an IPv4 prefix loses its network and broadcast addresses
    (except /31 and /32, RFC 3021); an IPv6 prefix loses its subnet-router anycast address."""
    size = network.num_addresses
    if network.version == 4:
        return size if network.prefixlen >= 31 else size - 2
    return size if network.prefixlen >= 127 else size - 1


def is_reserved_in(address, network) -> bool:
    """The network (and, for IPv4, broadcast) address of a prefix: never given to a device."""
    if network.version == 4 and network.prefixlen < 31:
        return address in (network.network_address, network.broadcast_address)
    if network.version == 6 and network.prefixlen < 127:
        return address == network.network_address
    return False
