"""Fused digit runs split by constraints, never by guess."""

from __future__ import annotations

from engine.convert.fused import MAX_OPTIONS, part_text, split_runs

SEVEN = ["count"] * 7
ROW_TOTAL = [(6, range(6))]


def read(groups, kinds, totals=()):
    split = split_runs(groups, kinds, totals)
    return None if split is None else [part_text(groups, part) if part else None for part in split.cells]


def test_a_unique_split_is_read() -> None:
    assert read(["1000001"], SEVEN) == ["1", "0", "0", "0", "0", "0", "1"]
    assert read(["666"], ["count"] * 3) == ["6", "6", "6"]


def test_spaces_are_hard_boundaries() -> None:
    assert read(["00", "00000"], SEVEN) == ["0"] * 7
    assert read(["0", "00", "0", "0", "00"], SEVEN) == ["0"] * 7


def test_a_sign_starts_a_number_and_settles_what_stands_before_it() -> None:
    assert read(["20+1737"], ["count", "signed", "count"]) == ["20", None, None]
    assert read(["10-211"], ["count", "signed", "count"]) == ["10", None, None]
    assert read(["5+30"], ["count", "signed", "count"]) == ["5", "+3", "0"]


def test_decimals_stay_whole_with_their_unit() -> None:
    assert read(["3", "12.5万元"], ["count", "amount"]) == ["3", "12.5万元"]
    # 156805947.43元: 1|56805947.43, 15|6805947.43, … — nothing is certain
    assert read(["156805947.43元"], ["count", "amount"]) == [None, None]
    assert read(["0", "0.5"], ["count", "amount"]) == ["0", "0.5"]


def test_no_leading_zeros() -> None:
    assert read(["1010"], ["count"] * 3) == [None, None, None]  # 10,1,0 or 1,0,10
    assert read(["01"], ["count"] * 2) == ["0", "1"]


def test_the_row_total_chooses_among_splits_and_says_so() -> None:
    groups = ["201200216"]  # twelve splits; only 2,0,12,0,0,2,16 adds up
    split = split_runs(groups, SEVEN, ROW_TOTAL)
    values = [part_text(groups, part) for part in split.cells]
    assert values == ["2", "0", "12", "0", "0", "2", "16"] and split.ways == 12
    assert set(split.inferred.values()) == {"row_total"}
    assert split_runs(groups, SEVEN).cells.count(None) > 0


def test_a_total_never_rejects_the_only_split() -> None:
    # 9,0,0,0,0,0,1 is the only split; its total is wrong as printed, and stays so
    split = split_runs(["9000001"], SEVEN, ROW_TOTAL)
    assert [part_text(["9000001"], part) for part in split.cells] == ["9", "0", "0", "0", "0", "0", "1"]
    assert split.inferred == {}


def test_a_total_that_no_split_meets_chooses_nothing() -> None:
    assert read(["12100013"], SEVEN, ROW_TOTAL) == [None, None, None, "0", "0", None, None]


def test_unreadable_runs() -> None:
    assert split_runs(["12"], SEVEN) is None  # too few digits
    assert split_runs(["1+2"], SEVEN[:2]) is None  # a sign in a count column
    assert split_runs(["9" * 200], SEVEN) is None  # not a row of cells


def test_many_splits_are_counted_not_listed() -> None:
    split = split_runs(["123456789123456789123456789123456789"], SEVEN)
    assert split.cells == (None,) * 7 and split.ways > MAX_OPTIONS
