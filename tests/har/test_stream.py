"""The streaming HAR reader: same entries as json.load, whatever the chunk size; clear errors."""

from __future__ import annotations

import io
import json

import pytest

from cors_doctor.har import stream as har_stream
from cors_doctor.har.stream import HarError, HarReader

from .conftest import FIXTURES, RECORDINGS


def read(data: bytes | str, chunk: int = 1 << 20) -> tuple[list, HarReader]:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    reader = HarReader(io.BytesIO(raw), "test.har", chunk=chunk)
    return [entry for _, entry in reader.entries()], reader


def error_of(data: bytes | str, chunk: int = 1 << 20) -> str:
    with pytest.raises(HarError) as info:
        read(data, chunk)
    return str(info.value)


@pytest.mark.parametrize("name", RECORDINGS)
@pytest.mark.parametrize("chunk", [1, 3, 64, 4096, 1 << 20])
def test_recorded_files_read_like_json_load(name, chunk):
    raw = (FIXTURES / name).read_bytes()
    expected = json.loads(raw)["log"]
    entries, reader = read(raw, chunk)
    assert entries == expected["entries"]
    assert reader.pages == expected["pages"]
    assert reader.creator == expected["creator"]


def test_multibyte_text_and_numbers_cut_at_chunk_edges():
    doc = {
        "log": {
            "entries": [
                {
                    "request": {"url": "http://a/é€😀", "method": "GET"},
                    "n": 1234567890123,
                    "f": -1.5e-7,
                    "t": True,
                    "z": None,
                }
                for _ in range(5)
            ]
        }
    }
    for chunk in range(1, 12):
        entries, _ = read(json.dumps(doc, ensure_ascii=False), chunk)
        assert entries == doc["log"]["entries"]


def test_byte_order_mark_and_whitespace_are_accepted():
    entries, _ = read(b'\xef\xbb\xbf \n {"log" : {"entries" : [ {"a": 1} , {"b": 2} ] } } \n', 2)
    assert entries == [{"a": 1}, {"b": 2}]


def test_other_keys_are_skipped_and_pages_may_come_after_entries():
    entries, reader = read(
        '{"x": [1, {"y": "}"}], "log": {"comment": "]", "entries": [{"a": 1}], "pages": [{"id": "p"}]}}'
    )
    assert entries == [{"a": 1}]
    assert reader.pages == [{"id": "p"}]


def test_truncated_file_names_the_entry_and_the_offset():
    raw = (FIXTURES / "chromium-cdp.har").read_bytes()
    cut = raw[: len(raw) // 2]
    message = error_of(cut, 4096)
    assert "truncated" in message
    assert "log.entries[" in message and "byte" in message


def test_invalid_json_inside_an_entry_gives_its_index_and_byte_offset():
    text = '{"log": {"entries": [{"a": 1}, {"b": 2 "c": 3}]}}'
    message = error_of(text)
    assert "invalid JSON" in message
    assert "log.entries[1]" in message
    offset = text.index('"c"')
    assert f"byte {offset}" in message


def test_trailing_comma_is_invalid_not_truncated():
    message = error_of('{"log": {"entries": [{"a": 1},]}}')
    assert "invalid JSON" in message and "log.entries[1]" in message


@pytest.mark.parametrize(
    "text, expected",
    [
        ("", "is empty"),
        ("[1, 2]", "does not start with a JSON object"),
        ('{"version": 1}', "has no 'log'"),
        ('{"log": {"pages": []}}', "'log' has no 'entries' array"),
        ('{"log": {"entries": {"a": 1}}}', "log.entries is not an array"),
        ('{"log": "x"}', "'log' is not an object"),
        ('{"log": {"entries": []}} trailing', "unexpected text after the end"),
    ],
)
def test_not_a_har(text, expected):
    assert expected in error_of(text)


def test_bytes_that_are_not_utf8():
    assert "not UTF-8" in error_of(b'{"log": {"entries": [{"a": "\xff\xfe"}]}}', 8)


def test_an_entry_larger_than_the_limit_is_refused(monkeypatch):
    monkeypatch.setattr(har_stream, "MAX_VALUE", 1000)
    text = '{"log": {"entries": [{"a": "' + "x" * 5000 + '"}]}}'
    assert "larger than" in error_of(text, 64)


def test_entries_stream_one_at_a_time():
    """The reader hands out the first entry before the rest of the file is read."""

    class Gate(io.BytesIO):
        def __init__(self, data: bytes) -> None:
            super().__init__(data)
            self.limit = 200

        def read(self, size: int = -1) -> bytes:
            assert self.tell() < self.limit, "read past the first entry before yielding it"
            return super().read(min(size, 50))

    body = ",".join('{"n": %d}' % i for i in range(1000))
    stream = Gate(('{"log": {"entries": [' + body + "]}}").encode())
    entries = HarReader(stream, "gate.har", chunk=50).entries()
    assert next(entries) == (0, {"n": 0})
    stream.limit = 10**9
    assert sum(1 for _ in entries) == 999
