"""Damaged, encrypted and hostile zips are refused with a DatasetError, never another exception (hypothesis)."""

from __future__ import annotations

import struct

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_upload import small_files, zipped

from viz.app.upload import store_upload, unpack, upload_store
from viz.record.load import DatasetError

VALID = zipped(small_files())
LOCAL, CENTRAL = b"PK\x03\x04", b"PK\x01\x02"


def _headers(data: bytes, signature: bytes) -> list[int]:
    found, at = [], data.find(signature)
    while at >= 0:
        found.append(at)
        at = data.find(signature, at + 1)
    return found


def _set_u16(data: bytearray, at: int, value: int) -> None:
    data[at:at + 2] = struct.pack("<H", value)


@st.composite
def broken_zip(draw) -> bytes:
    data = bytearray(VALID)
    for _ in range(draw(st.integers(1, 3))):
        fault = draw(st.sampled_from(["flip", "encrypt", "method", "crc", "truncate", "size", "junk-tail"]))
        locals_, centrals = _headers(bytes(data), LOCAL), _headers(bytes(data), CENTRAL)
        if fault == "flip" and data:
            at = draw(st.integers(0, len(data) - 1))
            data[at] ^= draw(st.integers(1, 255))
        elif fault == "encrypt" and locals_ and centrals:  # general-purpose flag bit 0
            _set_u16(data, draw(st.sampled_from(locals_)) + 6, 1)
            _set_u16(data, draw(st.sampled_from(centrals)) + 8, 1)
        elif fault == "method" and centrals:  # an unsupported compression method
            method = draw(st.sampled_from([1, 6, 9, 12, 14, 98, 99]))
            _set_u16(data, draw(st.sampled_from(centrals)) + 10, method)
        elif fault == "crc" and centrals:
            at = draw(st.sampled_from(centrals)) + 16
            data[at:at + 4] = draw(st.binary(min_size=4, max_size=4))
        elif fault == "truncate" and len(data) > 1:
            del data[draw(st.integers(1, len(data) - 1)):]
        elif fault == "size" and centrals:  # a declared size far beyond the limits (a bomb's claim)
            at = draw(st.sampled_from(centrals)) + 24
            data[at:at + 4] = struct.pack("<I", draw(st.integers(2**26, 2**32 - 1)))
        elif fault == "junk-tail":
            data += draw(st.binary(min_size=1, max_size=64))
    return bytes(data)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(broken_zip())
def test_broken_zips_are_dataset_errors_or_open(tmp_path_factory, archive):
    store = upload_store(tmp_path_factory.mktemp("uploads"))
    try:
        store_upload(unpack({"mydata.zip": archive}), store)
    except DatasetError as error:
        text = str(error)
        assert error.problems and "Traceback" not in text and "/tmp" not in text
