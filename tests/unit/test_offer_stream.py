"""The streaming offer-file reader: same products as reading the file whole, bounded memory, clear errors."""

from __future__ import annotations

import io
import json
import tracemalloc
from pathlib import Path
from typing import Any

import pytest

from archsel.pricing.offer_stream import OfferStreamError, StreamTooLarge, scan_offer
from tests.offer_generator import WANTED_SKU, write_offer

EC2_FILE = (
    Path(__file__).parents[1] / "data/pricelist/bulk/offers/v1.0/aws/AmazonEC2/20260901000000/us-east-1/index.json"
)


class Trickle(io.RawIOBase):
    """A stream that hands out at most ``step`` bytes per read, so every value straddles reads."""

    def __init__(self, data: bytes, step: int) -> None:
        self._data, self._step, self._at = data, step, 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        chunk = self._data[self._at : self._at + min(self._step, size if size >= 0 else self._step)]
        self._at += len(chunk)
        return chunk


def _linux(product: Any) -> bool:
    return bool(product["attributes"].get("operatingSystem") == "Linux")


def _scan(data: bytes, step: int = 1 << 20, wanted: Any = _linux, max_bytes: int = 1 << 30) -> dict[str, Any]:
    return scan_offer(Trickle(data, step), wanted, max_bytes=max_bytes)  # type: ignore[arg-type]


def test_the_stream_keeps_what_reading_the_file_whole_keeps() -> None:
    data = EC2_FILE.read_bytes()
    whole = json.loads(data)
    expected = {sku: p for sku, p in whole["products"].items() if _linux(p)}
    for step in (3, 4096, 1 << 20):  # 3-byte reads split every key, number and multi-byte character
        offer = _scan(data, step)
        assert offer["products"] == expected
        assert offer["terms"] == {"OnDemand": {sku: whole["terms"]["OnDemand"][sku] for sku in expected}}
        assert (offer["offerCode"], offer["version"]) == ("AmazonEC2", "20260901000000")
    assert len(expected) >= 24 and "Reserved" in whole["terms"]


def test_numbers_and_non_ascii_text_across_reads() -> None:
    document = {"formatVersion": "v1.0", "count": 1234567, "note": "Zürich – São Paulo", "products": {}, "terms": {}}
    offer = _scan(json.dumps(document, ensure_ascii=False).encode(), step=1)
    assert (offer["count"], offer["note"]) == (1234567, "Zürich – São Paulo")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"terms": {"OnDemand": {}}, "products": {}}', "before 'products'"),
        ('{"products": {"A": {"attributes": {}}}}  {"again": 1}', "after the end"),
        ('{"products": {"A": {"attributes": {"operatingSystem": "Lin', "truncated"),
        ('{"products": {"A": {"attributes": {}}', "truncated"),
        ('{"products": {"A": {"attributes": {}} "B": {}}}', "expected , or }"),
        ('["products"]', "expected {"),
    ],
)
def test_a_file_not_in_the_documented_layout_is_an_error(text: str, message: str) -> None:
    with pytest.raises(OfferStreamError, match=message):
        _scan(text.encode(), step=5)


def test_a_stream_longer_than_allowed_stops() -> None:
    with pytest.raises(StreamTooLarge, match="larger than 4,096 bytes"):
        _scan(EC2_FILE.read_bytes(), step=1024, max_bytes=4096)


def _peak_bytes(path: Path) -> tuple[int, dict[str, Any]]:
    tracemalloc.start()
    try:
        with path.open("rb") as stream:
            offer = scan_offer(stream, _linux, max_bytes=1 << 34)
        return tracemalloc.get_traced_memory()[1], offer
    finally:
        tracemalloc.stop()


def test_memory_stays_bounded_as_the_file_grows(tmp_path: Path) -> None:
    small, large = tmp_path / "small.json", tmp_path / "large.json"
    small_size, large_size = write_offer(small, 2_000), write_offer(large, 10_000)
    assert large_size > 4.5 * small_size > 30 * 2**20  # about 7.5 MB and 38 MB
    small_peak, _ = _peak_bytes(small)
    large_peak, offer = _peak_bytes(large)
    assert list(offer["products"]) == [WANTED_SKU] and list(offer["terms"]["OnDemand"]) == [WANTED_SKU]
    # Reading five times as much costs no more memory: the peak is the read chunk plus one value.
    assert large_peak < small_peak + 2**20
    assert large_peak < 8 * 2**20 < large_size / 4
