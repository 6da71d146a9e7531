"""Read once per page (`common.reads`): inside the scope a key is read once, outside it
every call reads, and the scope ends with the request."""

from __future__ import annotations

from arrears.apps.common.reads import once, read_once


def test_outside_a_page_every_call_reads():
    reads = []
    assert [once(("k",), lambda: reads.append(1) or len(reads)) for _ in range(3)] == [1, 2, 3]


def test_within_a_page_each_key_is_read_once():
    reads = []
    with read_once():
        got = [once(("k", n % 2), lambda: reads.append(1) or len(reads)) for n in range(4)]
    assert got == [1, 2, 1, 2] and len(reads) == 2


def test_what_a_page_read_is_not_kept_for_the_next():
    with read_once():
        assert once(("k",), lambda: "first page") == "first page"
    with read_once():
        assert once(("k",), lambda: "second page") == "second page"
