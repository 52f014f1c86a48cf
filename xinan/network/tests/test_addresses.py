"""Parsing of addresses, prefixes, MACs and host names (p21.5.2.4: the plan holds valid data)."""

import pytest
from django.core.exceptions import ValidationError

from xinan.network import addresses


def test_ipv4_and_ipv6_addresses_are_normalised():
    assert addresses.parse_ip(" 10.0.0.1 ").compressed == "10.0.0.1"
    assert addresses.parse_ip("2001:DB8:0:0::1").compressed == "2001:db8::1"


@pytest.mark.parametrize("bad", ["999.1.1.1", "10.0.0", "abc", "", "2001:db8::g"])
def test_bad_addresses_are_refused_in_both_languages(bad):
    with pytest.raises(ValidationError) as exc:
        addresses.parse_ip(bad)
    assert "不是有效的 IP 地址 / " in exc.value.messages[0]


def test_prefix_with_host_bits_names_the_network_meant():
    with pytest.raises(ValidationError) as exc:
        addresses.parse_cidr("10.1.2.3/24")
    assert "10.1.2.0/24" in exc.value.messages[0]
    with pytest.raises(ValidationError, match="地址/前缀长度"):
        addresses.parse_cidr("10.1.2.0")
    assert addresses.parse_cidr("2001:db8:1::/64").with_prefixlen == "2001:db8:1::/64"


def test_keys_order_addresses_as_numbers():
    low, high = addresses.parse_ip("10.0.0.9"), addresses.parse_ip("10.0.0.10")
    assert addresses.key(int(low)) < addresses.key(int(high))
    assert len(addresses.key(int(addresses.parse_ip("ffff::1")))) == 32


@pytest.mark.parametrize("raw", ["AA-BB-CC-DD-EE-FF", "aabb.ccdd.eeff", "aa:bb:cc:dd:ee:ff", "AABBCCDDEEFF"])
def test_mac_forms_of_dhcp_and_switches_are_one(raw):
    assert addresses.normalise_mac(raw) == "aa:bb:cc:dd:ee:ff"


def test_bad_mac_and_host_name_are_refused():
    with pytest.raises(ValidationError, match="MAC"):
        addresses.normalise_mac("aa:bb:cc")
    with pytest.raises(ValidationError, match="主机名"):
        addresses.split_hostname("bad name!")
    assert addresses.split_hostname("PC-01.Corp.Local") == ("pc-01", "corp.local")
    assert addresses.split_hostname("pc-01", "corp") == ("pc-01", "corp")


def test_usable_hosts_leave_out_network_and_broadcast():
    assert addresses.usable_hosts(addresses.parse_cidr("10.0.0.0/24")) == 254
    assert addresses.usable_hosts(addresses.parse_cidr("10.0.0.0/31")) == 2
    assert addresses.usable_hosts(addresses.parse_cidr("2001:db8::/126")) == 3
