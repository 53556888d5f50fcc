from datetime import UTC, datetime, timedelta

from app.domain.throttle import (
    account_delay,
    address_key,
    client_address,
    device_knows,
    device_mark,
    parse_networks,
    streak_is_over,
)

PROXY = parse_networks("10.0.0.2, 172.16.0.0/12; not-an-address")


def test_the_forwarded_header_counts_only_from_a_trusted_proxy():
    assert parse_networks("10.0.0.2/32,172.16.0.0/12") == PROXY
    # No proxy configured, or a peer that is not one: the header is whatever the client wrote.
    assert client_address("203.0.113.9", "198.51.100.1", ()) == "203.0.113.9"
    assert client_address("203.0.113.9", "198.51.100.1", PROXY) == "203.0.113.9"
    # Through the proxy: the nearest address it did not add itself; what the client put before is ignored.
    assert client_address("10.0.0.2", "1.1.1.1, 198.51.100.1", PROXY) == "198.51.100.1"
    assert client_address("10.0.0.2", "1.1.1.1, 198.51.100.1, 172.16.5.5", PROXY) == "198.51.100.1"
    assert client_address("10.0.0.2", "", PROXY) == "10.0.0.2"
    assert client_address("10.0.0.2", "garbage, 198.51.100.1", PROXY) == "198.51.100.1"
    assert client_address("10.0.0.2", "198.51.100.1, garbage", PROXY) == "10.0.0.2"
    assert client_address(None, None, PROXY) == ""


def test_an_ipv6_client_counts_by_its_64():
    assert address_key("2001:db8:1:2::1") == address_key("2001:db8:1:2:ffff::9") == "2001:db8:1:2::/64"
    assert address_key("::ffff:203.0.113.9") == address_key("203.0.113.9") == "203.0.113.9"


def test_waits_double_from_the_fifth_failure_up_to_the_cap():
    waits = [account_delay(n, free=5, first=timedelta(seconds=30), longest=timedelta(minutes=15))
             for n in range(1, 12)]
    assert [w.total_seconds() for w in waits] == [0, 0, 0, 0, 30, 60, 120, 240, 480, 900, 900]
    assert account_delay(10**6, free=5, first=timedelta(seconds=30), longest=timedelta(minutes=15)) == \
        timedelta(minutes=15)


def test_the_row_goes_on_while_the_guesser_waits_out_each_delay():
    now = datetime(2026, 11, 28, 12, tzinfo=UTC)
    quiet = timedelta(minutes=15)
    assert streak_is_over(now, None, None, quiet)
    assert not streak_is_over(now, now - timedelta(minutes=14), None, quiet)
    assert streak_is_over(now, now - timedelta(minutes=16), None, quiet)
    assert not streak_is_over(now, now - timedelta(minutes=16), now - timedelta(minutes=1), quiet)


def test_a_device_mark_is_for_one_account_and_cannot_be_made_up():
    mark = device_mark("secret", 7)
    assert device_knows("secret", mark, 7)
    assert not device_knows("secret", mark, 8)
    assert not device_knows("other secret", mark, 7)
    owner, nonce, mac = mark.split(".")
    assert not device_knows("secret", f"8.{nonce}.{mac}", 8)
    assert not device_knows("secret", f"7.{nonce}x.{mac}", 7)
    for junk in (None, 7, "", "a.b", "a.b.c.d", "x" * 500):
        assert not device_knows("secret", junk, 7)
