"""Issue #10, "nothing lost, nothing false": what a report contains never crashes a run or puts a false
number in a document: huge numbers, oversized files, undecodable bytes, blank rows' locations and
full-width digits in text rules."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app
from engine.convert.cells import MAX_DIGITS, read_value
from engine.convert.formats import detect as limits
from engine.convert.pipeline import convert
from engine.errors import InputError
from engine.inputs import MAX_FILE_BYTES, decode_json, read_input
from engine.rules.expr.runtime import number

ROOT = Path(__file__).parents[1]
SEED = ROOT / "examples" / "000_c277f382703343a1.txt"
SEED_TEXT = SEED.read_text(encoding="utf-8")
NINES = "9" * 4301  # one digit past Python's int→str limit


def cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def with_rules_cell(cell: str) -> str:
    assert "规章\t0\t0\t0" in SEED_TEXT
    return SEED_TEXT.replace("规章\t0\t0\t0", f"规章\t{cell}\t0\t0", 1)


# --- 1. huge numbers --------------------------------------------------------------------------------

@pytest.mark.parametrize("cell", [NINES, "1" + "0" * 15, "1234567890.1234567", "-" + NINES, NINES + "万元"])
def test_a_number_past_15_digits_is_null_with_a_note(cell: str) -> None:
    document = convert(with_rules_cell(cell).encode("utf-8"), "huge.txt")
    assert document["proactive"]["rules"]["made"] is None
    note = next(n for n in document["notes"] if n["pointer"] == "/proactive/rules/made")
    assert note["code"] == "cell_unreadable" and f"最多{MAX_DIGITS}位" in note["message"]
    assert len(note["message"]) < 120  # the note names the cell, it does not repeat 4,301 digits
    json.dumps(document, ensure_ascii=False)  # serialisable: no int past the limit anywhere


def test_15_digits_still_read() -> None:
    assert read_value("999999999999999", "count").value == 999999999999999
    assert read_value("0000000000000000012", "count").value == 12  # leading zeros are not digits of it
    assert read_value("12345678901.2345", "amount").value == 12345678901.2345


def test_huge_numbers_cross_every_serialisation_convert_cache_and_each_format(tmp_path: Path) -> None:
    report = tmp_path / "huge.txt"
    report.write_text(with_rules_cell(NINES), encoding="utf-8")
    code, out, err = cli("convert", str(report))
    assert code == 0 and json.loads(out)["proactive"]["rules"]["made"] is None
    code, out, err = cli("convert", str(report), str(SEED), "-o", str(tmp_path / "docs"))
    assert code == 0 and len(list((tmp_path / "docs").iterdir())) == 2
    cache = tmp_path / "cache"
    for output_format in ("json", "jsonl", "csv", "xlsx", "junit", "sarif", "html", "table"):
        target = tmp_path / f"card.{output_format}"
        code, out, err = cli("check", str(report), str(SEED), "--format", output_format, "-o", str(target),
                             "--cache-dir", str(cache), "-j", "1")
        assert code in (0, 1) and "Traceback" not in err and target.stat().st_size > 0, (output_format, err)
    # the cache now holds the document: a rerun reads it back and writes the same scorecard
    again = tmp_path / "again.json"
    cli("check", str(report), str(SEED), "--format", "json", "-o", str(again), "--cache-dir", str(cache), "-j", "1")
    assert again.read_bytes() == (tmp_path / "card.json").read_bytes()


@pytest.mark.parametrize("text, message", [
    ('{"a": %s}' % NINES, "more than 100 characters"),
    ("[1e400]", "beyond the range"),
    ('{"x":\n NaN}', "NaN and Infinity"),
])
def test_a_json_document_with_an_implausible_number_is_bad_input(text: str, message: str) -> None:
    with pytest.raises(InputError, match=message) as raised:
        decode_json(text.encode(), "doc.json")
    assert raised.value.place is not None and len(str(raised.value)) < 160


def test_text_numbers_never_yield_a_number_rules_cannot_print() -> None:
    assert number(NINES) is None and number("1e5000") is None and number("NaN") is None
    assert number("1" * 28) == int("1" * 28) and number("1" * 29) is None
    assert number("１２") == 12 and number("-3.5") is not None and number("²") is None


# --- 7. one size policy -----------------------------------------------------------------------------

def test_every_format_has_a_size_limit_and_reading_stops_past_the_largest() -> None:
    assert set(limits.MAX_BYTES) == set(limits.FORMATS)
    assert max(limits.MAX_BYTES.values()) < MAX_FILE_BYTES
    assert limits.MAX_TEXT_CHARS <= limits.MAX_BYTES["text"]


def test_a_text_past_the_limit_is_refused_in_one_line_and_the_batch_goes_on(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_text(SEED_TEXT + "数" * (limits.MAX_BYTES["text"] // 3 + 1), encoding="utf-8")
    with pytest.raises(InputError, match=r"text file too large: 10\.\d MB, at most 10 MB"):
        convert(big.read_bytes(), str(big))
    code, out, err = cli("check", str(big), str(SEED), "--format", "jsonl", "--no-cache", "-j", "1")
    entries = [json.loads(line) for line in out.splitlines()]
    assert [bool(entry["error"]) for entry in entries] == [True, False]
    assert "too large" in entries[0]["error"] and "Traceback" not in err
    code, out, err = cli("convert", str(big))
    assert code == 2 and err.count("\n") == 1 and "big.txt" in err


def test_extracted_text_is_bounded_like_decoded_text(monkeypatch) -> None:
    monkeypatch.setattr(limits, "MAX_TEXT_CHARS", 1000)
    with pytest.raises(InputError, match="holds too much text"):
        limits.check_text("docx", "字" * 1001, "x.docx")
    limits.check_text("docx", "字" * 1000, "x.docx")


def test_reading_stops_after_the_limit(tmp_path: Path, monkeypatch) -> None:
    import engine.inputs

    monkeypatch.setattr(engine.inputs, "MAX_FILE_BYTES", 100)
    (tmp_path / "a.txt").write_bytes(b"x" * 101)
    with pytest.raises(InputError, match="file too large"):
        read_input(tmp_path / "a.txt")
    (tmp_path / "b.txt").write_bytes(b"x" * 100)
    assert read_input(tmp_path / "b.txt") == b"x" * 100


# --- 8. undecodable bytes -----------------------------------------------------------------------------

CLEAN = convert(SEED.read_bytes(), SEED.name)


def _values(document: dict) -> dict:
    return copy.deepcopy({key: document[key] for key in ("proactive", "applications", "disputes")})


def _damaged(data: bytes, after: str, insert: bytes, encoding: str = "utf-8") -> bytes:
    at = data.index(after.encode(encoding)) + len(after.encode(encoding))
    return data[:at] + insert + data[at:]


def test_a_stray_byte_nulls_its_row_only_and_says_where() -> None:
    data = _damaged(SEED.read_bytes(), "规章\t0\t0\t0\n规范", b"\xff")
    document = convert(data, "stray.txt")
    line = SEED_TEXT.split("\n").index("规范性文件\t3\t3\t33") + 1
    damage = [note for note in document["notes"] if note["code"] == "undecodable_bytes"]
    assert len(damage) == 1 and damage[0]["line"] == line
    offset = data.index(b"\xff")
    assert f"字节偏移{offset}" in damage[0]["message"] and "FF" in damage[0]["message"]
    assert document["proactive"]["normative_documents"] == {"made": None, "published": None, "in_force": None}
    expected = _values(CLEAN)
    expected["proactive"]["normative_documents"] = document["proactive"]["normative_documents"]
    assert _values(document) == expected  # every other value as in the clean file
    assert "\ufffd" in document["text"].split("\n")[line - 1]


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_a_file_cut_inside_a_character_is_read(encoding: str) -> None:
    data = SEED_TEXT.rstrip("\n").encode(encoding)
    document = convert(data[:-1], f"cut-{encoding}.txt")
    damage = [note for note in document["notes"] if note["code"] == "undecodable_bytes"]
    assert len(damage) == 1 and damage[0]["line"] == SEED_TEXT.rstrip("\n").count("\n") + 1
    assert _values(document) == _values(CLEAN)
    assert any(note["code"] == "encoding" for note in document["notes"]) == (encoding == "gb18030")


def test_a_digit_next_to_a_bad_byte_is_never_read() -> None:
    # GB18030 takes 0xFF with the "2" after it: read, the cell would be 1, not 12.
    for insert in (b"\xff", b"\x81"):
        text = with_rules_cell("1@2").encode("gb18030").replace(b"@", insert)
        document = convert(text, "digit.txt")
        assert document["proactive"]["rules"] == {"made": None, "published": None, "in_force": None}


def test_notes_are_capped_and_the_rest_counted() -> None:
    lines = SEED_TEXT.split("\n")
    data = "\n".join(line + ("\udcff" if 30 <= index < 55 else "") for index, line in enumerate(lines))
    document = convert(data.encode("utf-8", "surrogateescape"), "many.txt")
    damage = [note for note in document["notes"] if note["code"] == "undecodable_bytes"]
    assert len(damage) == 11 and [note["line"] for note in damage[:10]] == list(range(31, 41))
    assert "另有15处" in damage[-1]["message"]


def test_a_file_mostly_undecodable_is_refused_with_its_first_offset() -> None:
    data = SEED.read_bytes()[:200] + b"\xff\xfe\xfd" * 400
    with pytest.raises(InputError, match=r"cannot decode: .*first at byte offset 200, line \d+"):
        convert(data, "noise.txt")


def test_a_replacement_character_from_any_format_nulls_its_line() -> None:
    from engine.convert.pipeline import convert_text

    text = SEED_TEXT.replace("规章\t0\t0\t0", "规章\t0\t\ufffd\t0", 1)
    document = convert_text(text, {"name": "x.html", "format": "html", "sha256": "0" * 64})
    assert document["proactive"]["rules"] == {"made": None, "published": None, "in_force": None}
    assert any(note["code"] == "cells_unreadable" and note["pointer"] == "/proactive/rules"
               for note in document["notes"])


def test_a_damaged_cell_on_a_line_of_its_own_keeps_its_row_unread() -> None:
    # One cell per line: "4�3" or "�" is no label, and dropped it would shift the row's other cells.
    import random

    import renderers  # noqa: F401  (puts the repository root on sys.path for `bench`)
    from bench.perturb import ORDER, make_case
    from bench.perturb_bench import tally

    for layout in ORDER:
        for index in range(12):
            _, rendering = make_case(layout, 0, index)
            rnd, text = random.Random(f"damage:{layout}:{index}"), str(rendering)
            for _ in range(rnd.choice((1, 2))):
                digit = rnd.random() < 0.7
                spots = [k for k, ch in enumerate(text) if (ch.isdigit() if digit else ch in " \t|")]
                if len(spots) < 4:  # a crawler's body has no separators left to lose
                    digit, spots = True, [k for k, ch in enumerate(text) if ch.isdigit()]
                at = rnd.choice(spots[len(spots) // 4:])
                text = text[:at] + "\ufffd" + text[at + (rnd.random() < 0.5 or not digit):]
            try:
                converted = convert(text.encode("utf-8"), f"{layout}.txt")
            except InputError:
                continue
            wrong = tally(rendering, converted).wrong
            assert not wrong, (layout, index, wrong[:5])


# --- 9. a blank row's location ------------------------------------------------------------------------

def test_a_blank_rows_location_is_its_own_label_line() -> None:
    from engine.rules.evaluation import Checker
    from engine.rules.packs import load_packs
    from engine.scorecard.entry import check_report

    path = ROOT / "examples" / "003_36075cc0dcc0dd05.txt"
    document = convert(path.read_bytes(), path.name)
    lines = document["text"].split("\n")
    packs, _ = load_packs([ROOT / "rulepacks" / "national" / "national.yaml"])
    entry = check_report(Checker(packs, select=["C03"]), document)
    located = {location["pointer"]: location["line"] for result in entry["results"]
               for location in result["locations"] if location["via"] == "binding"}
    assert "二、上年结转" in lines[located["/applications/carried_over"] - 1]
    assert "四、结转下年度" in lines[located["/applications/carried_forward"] - 1]
    for pointer, line in located.items():  # every row at its label or one of its own cells, never another's
        own = {where["line"] for key, where in document["provenance"].items()
               if key == pointer or key.startswith(pointer + "/")}
        assert line in own, pointer


def test_a_row_with_no_line_of_its_own_has_no_location() -> None:
    from engine.scorecard.entry import LineIndex

    document = {"text": "a\nb\nc", "applications": {"new_received": {"total": 5}, "carried_over": {"total": None}},
                "provenance": {"/applications/new_received/total": {"line": 2, "column": 1, "raw": "5"}}}
    index = LineIndex(document)
    assert index.at("/applications/new_received") == 2
    assert index.at("/applications/new_received/natural_person") == 2  # a blank cell of a printed row
    assert index.at("/applications/carried_over") is None  # was the table's first line, another row's
    assert index.at("/applications/carried_over/total") is None
    document["provenance"]["/applications/carried_over"] = {"line": 3, "column": 1, "raw": "二、上年结转"}
    assert LineIndex(document).at("/applications/carried_over/total") == 3


# --- 10. text rules see NFKC text -----------------------------------------------------------------------

def _checked(path: Path, edit, codes: list[str]) -> dict[str, str]:
    from engine.rules.catalog import installed_packs
    from engine.rules.evaluation import Checker
    from engine.scorecard.entry import check_report

    document = convert(path.read_bytes(), path.name)
    document["text"] = edit(document["text"])
    entry = check_report(Checker(installed_packs()[0], select=codes), document)
    return {result["code"]: result["outcome"] for result in entry["results"]}


FULL = str.maketrans("0123456789-@.:/abcdefghijklmnopqrstuvwxyz", "０１２３４５６７８９－＠．：／ａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ")


def test_contact_details_in_full_width_satisfy_hlj02_and_sd03() -> None:
    hlj = ROOT / "examples" / "002_1869ea635e2008ab.txt"
    contact = "电话:0469-6110298,电子邮箱:15246862355@163.com"
    assert contact in hlj.read_text(encoding="utf-8")
    assert _checked(hlj, lambda text: text.replace(contact, contact.translate(FULL)), ["HLJ02"]) == {"HLJ02": "pass"}
    assert _checked(hlj, lambda text: text.replace(contact, "电话:（见网站）"), ["HLJ02"]) == {"HLJ02": "fail"}
    sd = ROOT / "examples" / "003_36075cc0dcc0dd05.txt"
    url, phone = "http://commerce.shandong.gov.cn/", "0531-89013380"

    def full_width(text: str) -> str:
        return text.replace(url, url.translate(FULL)).replace(phone, phone.translate(FULL))

    assert _checked(sd, full_width, ["SD03"]) == {"SD03": "pass"}


def test_a_count_in_full_width_digits_is_read_by_x01() -> None:
    seed = ROOT / "examples" / "000_c277f382703343a1.txt"
    document = convert(seed.read_bytes(), seed.name)
    total = document["applications"]["new_received"]["total"]
    stated = f"\n本年度共收到政府信息公开申请{str(total + 1).translate(FULL)}件。\n"
    assert _checked(seed, lambda text: text + stated, ["X01"]) == {"X01": "fail"}  # was skipped: no number seen
    right = stated.replace(str(total + 1).translate(FULL), str(total).translate(FULL))
    assert _checked(seed, lambda text: text + right, ["X01"]) == {"X01": "pass"}


def test_text_find_gives_the_printed_line_and_column_after_normalisation() -> None:
    from engine.rules.expr.compiler import compile_rule

    text = "一、总体情况\nＡＢ①㈠，电话１２３４５６７８\n\u0065\u0301\u0065\u0301电话8\n（一）予以公开"
    document = {"model": "ogi-annual-report/1", "template": "2019", "text": text, "sections": [], "meta": {}}
    rule = compile_rule(assertion='len(text_find(["电话[0-9]+", "\\\\(一\\\\)", "（一）"])) == 0', templates=("2019",),
                        message='{text_find(["电话[0-9]+", "（一）"])}')
    [evaluation] = rule.evaluate(document)
    assert evaluation.message == "(一)（第2行）、电话12345678（第2行）、电话8（第3行）、(一)（第4行）"
    found = compile_rule(assertion='all(m in text_find("电话[0-9]+"): m.column == (6 if m.line == 2 else 5))', templates=("2019",))
    assert found.evaluate(document)[0].outcome == "pass"  # "ＡＢ①㈠，" is 5 printed characters; é twice is 4
    pattern = compile_rule(assertion='all(m in text_find("（一）"): m.pattern == "（一）") and matches(text, "[０-９]{8}")'
                           ' and contains(section_text(1), "(一)") == false and contains(text, "(一)予以公开")',
                           templates=("2019",))
    assert pattern.evaluate(document)[0].outcome == "pass"
