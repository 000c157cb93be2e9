"""How alike two reports' texts are: 5-gram shingles of the prose, Jaccard, MinHash and an LSH index.

The measure (docs/rules.md, `similarity`): the text is NFKC-normalised, the names given to ignore
(agency names) are cut out, and the rest is split into runs of letters: digits, spaces and
punctuation end a run, so numbers never count and table cells stay apart. The shingles are the
5-character substrings of each run, less every shingle of the template's own wording (row, column,
group and section titles, the report title's fixed part), which every report prints. Similarity is
the Jaccard index |A ∩ B| / |A ∪ B| of the two shingle sets (0 when both are empty).

A batch cannot compare every pair (10,000 reports are 50 million pairs), so each report also gets a
one-permutation MinHash signature of its shingles (128 bins, a 32-bit minimum each: 512 bytes),
whose share of equal bins estimates the Jaccard index, and `NearIndex` files the signatures under 32
bands of 4 bins (LSH): two reports are candidates when they agree on a whole band, which happens
with probability 1 − (1 − s⁴)³² (≈1 at s = 0.8, 0.87 at 0.5, 0.23 at 0.3). The index costs about
3 KB per report.
"""

from __future__ import annotations

import functools
import operator
import re
import unicodedata
import zlib
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import ROUND_HALF_UP, Decimal

from engine.normalization import nfkc

SHINGLE = 5
BINS, BANDS = 128, 32
ROWS = BINS // BANDS
FLOOR = 0.5  # estimated similarity below which no report counts as "the most similar one"
MAX_BUCKET = 400  # a band value shared by more reports is boilerplate: it proposes no candidates
_RUN = re.compile(r"[^\W\d_]+")  # letters only: CJK characters are letters; digits end a run
_MIX = 0x9E3779B97F4A7C15
_MASK = (1 << 64) - 1
_VALUE = (1 << 32) - 1
_PUNCT = re.compile(r"[\s\W_]+")
# Fixed wording of reports besides the templates' row and column titles (headers, title, notes).
_FIXED = ("政府信息公开工作年度报告", "本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和",
          "申请人情况", "法人或其他组织", "信息内容", "行政复议", "行政诉讼", "第二十条第", "项", "单位：万元",
          "政府信息公开行政复议、行政诉讼情况", "收到和处理政府信息公开申请情况")


def normalise_agency(name: object) -> str | None:
    """The agency name as batches compare it: NFKC, without spaces and punctuation; None when empty."""
    if not isinstance(name, str):
        return None
    text = _PUNCT.sub("", unicodedata.normalize("NFKC", name))
    return text or None


def _runs(text: str, ignore: Iterable[str] = ()) -> list[str]:
    text = nfkc(text)
    for name in ignore:
        text = text.replace(unicodedata.normalize("NFKC", name), " ")
    return _RUN.findall(text)


def _grams(runs: Iterable[str]) -> set[str]:
    out: set[str] = set()
    for run in runs:
        if len(run) >= SHINGLE:
            out.update([run[i:i + SHINGLE] for i in range(len(run) - SHINGLE + 1)])
    return out


@functools.cache
def template_shingles() -> frozenset[str]:
    """The shingles of the templates' own wording: every report prints them, so they never count."""
    from engine.templates import BY_NAME, SECTION_TITLES, Row

    phrases: list[str] = [*SECTION_TITLES.values(), *_FIXED]
    for template in BY_NAME.values():
        for table in template.tables:
            phrases += [table.title, *table.headers]
            for item in table.items:
                phrases += [item.label, *item.aliases]
                if isinstance(item, Row):
                    phrases += [item.title, *(cell.title for cell in item.cells)]
    return frozenset(_grams(run for phrase in phrases for run in _runs(phrase)))


def shingles(text: str, ignore: Iterable[str | None] = ()) -> frozenset[str]:
    """The shingle set of a report text (see the module docstring), `ignore` names cut out first."""
    names = tuple(name.strip() for name in ignore if isinstance(name, str) and name.strip())
    return _shingles(text or "", names)


@functools.lru_cache(maxsize=8)  # a batch indexes a report and its rules compare it: one computation
def _shingles(text: str, ignore: tuple[str, ...]) -> frozenset[str]:
    return frozenset(_grams(_runs(text, ignore)) - template_shingles())


def jaccard(a: frozenset[str] | set[str], b: frozenset[str] | set[str]) -> Decimal:
    """|a ∩ b| / |a ∪ b| rounded half up to 4 decimals; 0 when both are empty."""
    if len(a) > len(b):
        a, b = b, a
    common = len(a & b)
    union = len(a) + len(b) - common
    if not union:
        return Decimal(0)
    return (Decimal(common) / Decimal(union)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def similarity(a: str, b: str, ignore: Sequence[str | None] = ()) -> Decimal:
    """The Jaccard index of two texts' shingle sets, the names in `ignore` cut out of both."""
    return jaccard(shingles(a, ignore), shingles(b, ignore))


def signature(items: Iterable[str]) -> bytes | None:
    """A one-permutation MinHash of a shingle set (BINS 32-bit minima, densified); None when empty."""
    mins = [-1] * BINS
    for item in items:
        h = (zlib.crc32(item.encode("utf-8")) * _MIX) & _MASK
        h ^= h >> 29  # the top bits choose the bin, so fold the well-mixed bits down for the value
        slot, value = h >> 57, h & _VALUE
        if mins[slot] < 0 or value < mins[slot]:
            mins[slot] = value
    if all(value < 0 for value in mins):
        return None
    for slot in range(BINS):  # an empty bin borrows the next filled one, offset by the distance
        if mins[slot] < 0:
            step = 1
            while mins[(slot + step) % BINS] < 0:
                step += 1
            mins[slot] = (mins[(slot + step) % BINS] + step * 0x9E3779B1) & _VALUE
    return array("I", mins).tobytes()


def estimate(a: bytes, b: bytes) -> float:
    """The share of equal bins of two signatures: an estimate of the Jaccard index."""
    return sum(map(operator.eq, array("I", a), array("I", b))) / BINS


class NearIndex:
    """Signatures filed by band (LSH), to find a report's most similar reports without all pairs."""

    def __init__(self) -> None:
        self.signatures: dict[int, bytes] = {}
        # (band << 32 | crc32 of the band's bytes) → the report, or the list of reports, filed there;
        # one dict of ints, not a dict of lists per band: 3 KB a report instead of 8
        self.buckets: dict[int, int | list[int]] = {}

    @staticmethod
    def _bands(sig: bytes) -> Iterator[int]:
        width = ROWS * 4
        for band in range(BANDS):
            yield band << 32 | zlib.crc32(sig[band * width:(band + 1) * width])

    def add(self, key: int, sig: bytes) -> None:
        """File report `key` (an int; smaller keys win ties) under each band of its signature."""
        self.signatures[key] = sig
        for band in self._bands(sig):
            found = self.buckets.get(band)
            if found is None:
                self.buckets[band] = key
            elif isinstance(found, int):
                self.buckets[band] = [found, key]
            else:
                found.append(key)

    def nearest(self, key: int, eligible: Callable[[int], bool], floor: float = FLOOR) -> tuple[int, float] | None:
        """The eligible report most like report `key` (ties: the smaller key) and the estimated
        similarity, or None when no candidate reaches `floor`."""
        sig = self.signatures.get(key)
        if sig is None:
            return None
        seen: set[int] = {key}
        best: tuple[float, int] | None = None
        for band in self._bands(sig):
            found = self.buckets.get(band)
            members = (found,) if isinstance(found, int) else found or ()
            if len(members) > MAX_BUCKET:
                continue
            for other in members:
                if other in seen:
                    continue
                seen.add(other)
                if not eligible(other):
                    continue
                score = estimate(sig, self.signatures[other])
                if score >= floor and (best is None or score > best[0] or score == best[0] and other < best[1]):
                    best = (score, other)
        return None if best is None else (best[1], best[0])
