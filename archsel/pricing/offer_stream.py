"""Reads one bulk Price List offer file as a stream, keeping only the products asked for: bounded memory.

AmazonEC2's region offer files are far larger than archsel reads into memory (hundreds of MB to
several GB for us-east-1). Their layout is documented
(https://docs.aws.amazon.com/awsaccountbilling/latest/aboutv2/reading-service-price-list-file-for-services.html):
a top-level object with a few header strings, ``products`` ({sku: product}) and then ``terms``
({OnDemand | Reserved: {sku: {offer term code: term}}}). ``scan_offer`` walks that object member
by member and decodes one product, or one SKU's terms, at a time with the C JSON decoder; it keeps
the products ``wanted`` accepts and their on-demand terms, and drops the rest as soon as it is
read. Memory is bounded by the read chunk plus the largest single product or SKU term (a few KB),
not by the file: a 200 MB file and a 20 MB one peak alike.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Callable, Iterator, Mapping
from typing import IO, Any

CHUNK_BYTES = 1 << 20
"""Bytes read from the stream at a time."""
MAX_VALUE_CHARS = 8 << 20
"""Largest single product or SKU term decoded; a larger one means the file is not a price list."""

_WHITESPACE = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


class OfferStreamError(ValueError):
    """The stream is not an offer file in the documented layout (truncated, corrupt or reordered)."""


class StreamTooLarge(OSError):
    """The stream is longer than the caller allows."""


class _Text:
    """A window over the decoded stream: what is not yet consumed, refilled a chunk at a time."""

    def __init__(self, stream: IO[bytes], max_bytes: int) -> None:
        self._stream = stream
        self._decoder = codecs.getincrementaldecoder("utf-8")()
        self._max_bytes = max_bytes
        self.read_bytes = 0
        self.buffer = ""
        self.pos = 0
        self.eof = False

    def more(self) -> bool:
        """Append the next chunk (dropping what was consumed); False at the end of the stream."""
        if self.eof:
            return False
        data = self._stream.read(CHUNK_BYTES)
        self.read_bytes += len(data)
        if self.read_bytes > self._max_bytes:
            raise StreamTooLarge(f"larger than {self._max_bytes:,} bytes")
        self.buffer = self.buffer[self.pos :] + self._decoder.decode(data, final=not data)
        self.pos = 0
        self.eof = not data
        return True

    def peek(self) -> str:
        """The next character that is not whitespace (not consumed)."""
        while True:
            match = _WHITESPACE.match(self.buffer, self.pos)
            self.pos = match.end() if match else self.pos
            if self.pos < len(self.buffer):
                return self.buffer[self.pos]
            if not self.more():
                raise OfferStreamError("the file ends in the middle of the document; it may be truncated")

    def take(self, expected: str) -> str:
        """Consume the next character, which must be one of ``expected``."""
        char = self.peek()
        if char not in expected:
            raise OfferStreamError(f"expected {' or '.join(expected)} at byte ~{self._at()}, found {char!r}")
        self.pos += 1
        return char

    def value(self) -> Any:
        """Decode the next JSON value whole (only ever one product, one SKU's terms or a header)."""
        self.peek()
        while True:
            try:
                decoded, end = _DECODER.raw_decode(self.buffer, self.pos)
            except json.JSONDecodeError as error:
                if len(self.buffer) - self.pos > MAX_VALUE_CHARS:
                    raise OfferStreamError(f"a value longer than {MAX_VALUE_CHARS} characters") from error
                if self.more():
                    continue
                raise OfferStreamError(
                    f"not valid JSON near byte ~{self._at()} ({error.msg}); the download may be truncated or corrupt"
                ) from error
            # A number or literal ending exactly at the window's end may go on in the next chunk.
            if end == len(self.buffer) and not isinstance(decoded, dict | list | str) and self.more():
                continue
            self.pos = end
            return decoded

    def members(self) -> Iterator[str]:
        """The keys of the object that starts here; the caller consumes each member's value."""
        self.take("{")
        if self.peek() == "}":
            self.pos += 1
            return
        while True:
            key = self.value()
            if not isinstance(key, str):
                raise OfferStreamError(f"an object key that is not a string near byte ~{self._at()}")
            self.take(":")
            yield key
            if self.take(",}") == "}":
                return

    def skip(self) -> None:
        """Consume the next value without keeping it, one member at a time if it is an object."""
        if self.peek() == "{":
            for _ in self.members():
                self.value()
        else:
            self.value()

    def _at(self) -> int:
        return self.read_bytes - len(self.buffer[self.pos :].encode())


def scan_offer(stream: IO[bytes], wanted: Callable[[Mapping[str, Any]], bool], *, max_bytes: int) -> dict[str, Any]:
    """The offer file's header, the products ``wanted`` keeps and their OnDemand terms, in the file's own shape.

    Raises OfferStreamError when the stream is not a complete offer file, StreamTooLarge past ``max_bytes``.
    """
    text = _Text(stream, max_bytes)
    offer: dict[str, Any] = {"products": {}, "terms": {"OnDemand": {}}}
    seen_products = False
    for key in text.members():
        if key == "products":
            offer["products"] = _kept_products(text, wanted)
            seen_products = True
        elif key == "terms":
            if not seen_products:
                raise OfferStreamError("'terms' comes before 'products'; the documented layout has products first")
            offer["terms"]["OnDemand"] = _kept_terms(text, offer["products"])
        elif text.peek() in "{[":
            text.skip()
        else:
            offer[key] = text.value()
    _expect_end(text)
    return offer


def _kept_products(text: _Text, wanted: Callable[[Mapping[str, Any]], bool]) -> dict[str, Any]:
    kept: dict[str, Any] = {}
    for sku in text.members():
        product = text.value()
        if isinstance(product, dict) and wanted(product):
            kept[sku] = product
    return kept


def _kept_terms(text: _Text, products: Mapping[str, Any]) -> dict[str, Any]:
    on_demand: dict[str, Any] = {}
    for term_type in text.members():
        for sku in text.members():
            terms = text.value()  # Reserved and other terms are decoded one SKU at a time and dropped
            if term_type == "OnDemand" and sku in products:
                on_demand[sku] = terms
    return on_demand


def _expect_end(text: _Text) -> None:
    try:
        char = text.peek()
    except OfferStreamError:
        return
    raise OfferStreamError(f"unexpected {char!r} after the end of the document")
