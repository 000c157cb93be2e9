"""Every output format of `nianbao check`, from the same results: validity, contents, escaping, determinism.

JSON against the scorecard schema; xlsx reopened with openpyxl; JUnit against tests/data/schemas/
junit-10.xsd (lxml); SARIF against tests/data/schemas/sarif-schema-2.1.0.json (jsonschema); html in
a real headless Chromium (skipped only when Chromium is not installed).
"""

from __future__ import annotations

import csv
import gc
import io
import json
import os
import re
import shutil
import subprocess
import sys
import weakref
from pathlib import Path

import pytest

from engine.batch.single import check_input
from engine.outputs import FORMATS, Options, write
from engine.outputs.table import TableWriter
from engine.rules.evaluation import Checker
from engine.rules.packs import load_packs
from engine.scorecard.entry import checker_header, dumps, scorecard, validate_report_entry, validate_scorecard

ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = Path(__file__).resolve().parent / "data" / "schemas"
# Report text is hostile: defaced pages carry injected markup; names can be anything.
HOSTILE = ('<script>document.title="pwned"</script><img src=x onerror="document.body.setAttribute(\'data-pwned\',1)">'
           ']]></textarea>\x0b&amp;"\'')
HOSTILE_NAME = "005_<img src=x onerror=alert(1)>.txt"
FORMULA_NAME = "=2+5.txt"


def build(tmp: Path) -> tuple[list, list[tuple[dict, str | None]], Checker]:
    """Packs, the checked (entry, text) pairs of the five examples plus a hostile and an unreadable file."""
    packs, problems = load_packs([ROOT / "rulepacks" / "national" / "national.yaml"])
    assert problems == []
    lines = (ROOT / "examples" / "002_1869ea635e2008ab.txt").read_text(encoding="utf-8").split("\n")
    lines[14] += HOSTILE  # line 15 holds injected spam (I01): its excerpt shows this too
    (tmp / HOSTILE_NAME).write_text("\n".join(lines), encoding="utf-8")
    (tmp / FORMULA_NAME).write_bytes(b"\xff\xfe\x00garbage")
    paths = sorted((ROOT / "examples").glob("*.txt")) + [tmp / HOSTILE_NAME, tmp / FORMULA_NAME]
    checker = Checker(packs)
    items = []
    for path in paths:
        entry, text = check_input(checker, path)
        entry["source"]["path"] = path.relative_to(ROOT if path.is_relative_to(ROOT) else tmp).as_posix()
        items.append((entry, text))
    return packs, items, checker


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("outputs")
    packs, items, checker = build(tmp)
    files = {}
    for name in FORMATS:
        files[name] = tmp / f"card.{name}"
        summary = write(name, items, checker_header(checker), files[name], packs, Options())
    return {"packs": packs, "items": items, "checker": checker, "files": files, "summary": summary}


def fails(made) -> list[tuple[dict, dict]]:
    return [(entry, r) for entry, _ in made["items"] for r in entry["results"] if r["outcome"] == "fail"]


def test_the_batch_has_what_the_tests_need(made):
    entries = [entry for entry, _ in made["items"]]
    assert len(entries) == 7 and entries[-1]["error"] and entries[-1]["score"] is None
    hostile = entries[5]
    assert hostile["meta"]["agency"] == "双鸭山市商务局" and any(r["code"] == "I01" and r["outcome"] == "fail"
                                                             for r in hostile["results"])
    assert made["summary"].reports == 7 and made["summary"].unreadable == 1


def test_json_is_the_in_memory_scorecard_and_valid(made):
    text = made["files"]["json"].read_text(encoding="utf-8")
    card = json.loads(text)
    assert validate_scorecard(card) == []
    entries = [entry for entry, _ in made["items"]]
    assert text == dumps(scorecard(made["packs"], entries, made["checker"].rules))
    assert card["scorecard"] == "nianbao-scorecard/2" and card["summary"]["reports"] == 7
    finding = next(r for r in card["reports"][2]["results"] if r["code"] == "A02" and r["outcome"] == "fail")
    assert [loc["line"] for loc in finding["locations"]] == [163, 179, 507, 523]
    assert re.fullmatch(r"[0-9a-f]{16}", finding["id"])
    assert card["reports"][2]["source"]["sha256"] == card["reports"][2]["meta"]["source"]["sha256"]


def test_jsonl_has_one_valid_report_per_line(made):
    lines = made["files"]["jsonl"].read_text(encoding="utf-8").splitlines()
    assert len(lines) == 7
    for line in lines:
        assert validate_report_entry(json.loads(line)) == []


def test_csv_opens_in_excel_with_chinese_and_no_formulas(made):
    data = made["files"]["csv"].read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    header = rows[0]
    assert header[:4] == ["文件", "路径", "SHA-256", "机关"] and "S01" in header and "I01" in header
    assert len(rows) == 8 and all(len(row) == len(header) for row in rows)
    spam = rows[3]
    assert spam[header.index("机关")] == "双鸭山市商务局" and spam[header.index("I01")] == "未通过"
    assert spam[header.index("得分")] == "69.2" and spam[header.index("等级")] == "中"  # fees row unread: C02, A05 not evaluable
    assert rows[-1][0] == "'" + FORMULA_NAME  # shown as text, never run as a formula
    assert rows[-1][header.index("无法读取")]


def test_xlsx_reopens_with_frozen_headers_filters_and_every_finding(made):
    from openpyxl import load_workbook

    book = load_workbook(made["files"]["xlsx"])
    assert book.sheetnames == ["报告", "问题", "完整性", "准确性", "规范性", "及时性", "真实性", "规则"]
    reports = book["报告"]
    header = [c.value for c in reports[1]]
    assert header[0] == "文件" and "A02" in header
    assert reports.freeze_panes == "B2" and reports.auto_filter.ref.startswith("A1:")
    assert reports.max_row == 8
    row = [c.value for c in reports[4]]
    assert row[header.index("得分")] == 69.2 and row[header.index("A02")] == "未通过"
    assert row[header.index("年度")] == 2020
    formula = reports.cell(row=8, column=1)
    assert formula.value == FORMULA_NAME and formula.data_type == "s"
    findings = book["问题"]
    assert findings.max_row - 1 == len(fails(made))
    assert findings.auto_filter.ref and findings.freeze_panes == "B2"
    ids = {c.value for c in findings["P"][1:]}
    assert ids == {r["id"] for _, r in fails(made)}
    accuracy = [c.value for c in book["准确性"][1]]
    assert accuracy[:5] == ["文件", "机关", "年度", "省级", "类别得分"] and "A01" in accuracy and "S01" not in accuracy
    rules = book["规则"]
    assert rules.max_row - 1 == len(made["checker"].rules)


def test_junit_validates_against_the_jenkins_schema(made):
    from lxml import etree

    schema = etree.XMLSchema(etree.parse(str(SCHEMAS / "junit-10.xsd")))
    document = etree.parse(str(made["files"]["junit"]))
    schema.assertValid(document)
    root = document.getroot()
    suites = root.findall("testsuite")
    assert len(suites) == 7
    assert int(root.get("failures")) == len(fails(made)) == len(root.findall(".//failure"))
    assert suites[-1].find("testcase/error") is not None  # the unreadable file
    case = suites[2].find("testcase[@classname='national.A02']")
    assert case is not None and case.get("name").startswith("A02 ")
    hostile = suites[5]
    assert hostile.get("name") == HOSTILE_NAME  # markup in a name is escaped text, kept as it is


def test_sarif_validates_against_the_2_1_0_schema(made):
    from jsonschema import Draft7Validator

    schema = json.loads((SCHEMAS / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    log = json.loads(made["files"]["sarif"].read_text(encoding="utf-8"))
    errors = sorted(f"{e.json_path}: {e.message}" for e in Draft7Validator(schema).iter_errors(log))
    assert errors == []
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert len(run["results"]) == len(fails(made))
    for item in run["results"]:
        assert rules[item["ruleIndex"]]["id"] == item["ruleId"]
        assert item["level"] in ("error", "warning", "note") and item["message"]["text"]
        assert item["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    spam = next(r for r in run["results"] if r["ruleId"] == "national:I01"
                and r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].endswith("002_1869ea635e2008ab.txt"))
    assert spam["locations"][0]["physicalLocation"]["region"] == {"startLine": 15}
    assert run["artifacts"][0]["hashes"]["sha-256"] == made["items"][0][0]["source"]["sha256"]
    assert "%3Cimg" in run["artifacts"][5]["location"]["uri"]  # a URI, percent-encoded
    unreadable = run["invocations"][0]["toolExecutionNotifications"]
    assert len(unreadable) == 1 and unreadable[0]["level"] == "error"


def test_html_is_self_contained_and_escapes_the_report(made):
    from lxml import html as lxml_html

    text = made["files"]["html"].read_text(encoding="utf-8")
    page = lxml_html.fromstring(text)
    assert len(page.findall(".//script")) == 1 and page.find(".//script").get("src") is None
    assert not page.findall(".//img") and not page.findall(".//link") and not page.findall(".//iframe")
    for element in page.iter():
        for name in ("src", "href"):
            value = element.get(name)
            assert value is None or value.startswith("#"), (element.tag, name, value)
    assert "default-src 'none'" in page.find(".//meta[@http-equiv='Content-Security-Policy']").get("content")
    assert "&lt;script&gt;document.title" in text and HOSTILE_NAME not in text
    assert len(page.findall(".//section[@class='report']")) == 7
    assert page.get_element_by_id("r3-L163") is not None  # each line has its anchor
    link = page.xpath("//section[@id='r3']//li[contains(@class,'finding')]//a[@href='#r3-L163']")
    assert link, "a finding links to its source line"
    assert page.findall(".//svg") and "得分分布" in text and "各省" in text and "各年度" in text


PROBE = """<script>
window.__errors = [];
function __note(message) {
  window.__errors.push(message);
  document.documentElement.setAttribute('data-probe-errors', JSON.stringify(window.__errors));
}
window.addEventListener('error', function (e) { __note('error: ' + e.message); });
document.addEventListener('securitypolicyviolation', function (e) { __note('csp: ' + e.violatedDirective); });
console.error = function () { __note('console: ' + Array.prototype.join.call(arguments, ' ')); };
window.addEventListener('load', function () {
  document.documentElement.setAttribute('data-probe-errors', JSON.stringify(window.__errors));
  document.documentElement.setAttribute('data-probe-width', String(document.documentElement.scrollWidth));
});
</script>
"""


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def browse(binary: str, page: Path, tmp: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                           "--disable-component-update", "--disable-sync", "--no-first-run",
                           f"--user-data-dir={tmp / 'profile'}", "--enable-logging=stderr", "--v=0",
                           "--window-size=1280,2000", "--virtual-time-budget=3000", *extra, page.as_uri()],
                          capture_output=True, text=True, timeout=180)


def probe(binary: str, source: Path, tmp: Path) -> tuple[str, str]:
    """The page's DOM after load, with the errors a probe (placed before the page's CSP) saw, and stderr."""
    text = source.read_text(encoding="utf-8")
    probed = tmp / f"probed-{source.name}"
    probed.write_text(text.replace('<meta charset="utf-8">\n', '<meta charset="utf-8">\n' + PROBE, 1), encoding="utf-8")
    run = browse(binary, probed, tmp, "--dump-dom")
    assert run.returncode == 0, run.stderr[-2000:]
    return run.stdout, run.stderr


@pytest.mark.skipif(chromium() is None, reason="chromium is not installed (apt-get install -y chromium)")
def test_html_renders_in_headless_chromium_without_errors(made, tmp_path):
    binary = chromium()
    dom, stderr = probe(binary, made["files"]["html"], tmp_path)
    root = re.search(r"<html[^>]*>", dom).group(0)
    assert 'data-probe-errors="[]"' in root, root
    assert re.search(r"<body[^>]*data-ready=\"1\"", dom), "the page's own script ran"
    assert int(re.search(r'data-probe-width="(\d+)"', root).group(1)) <= 1280, "nothing overflows the page"
    assert "data-pwned" not in dom.split("</head>", 1)[1].replace("data-pwned',1)", "")
    assert "<title>政府信息公开工作年度报告检查结果</title>" in dom
    console = [line for line in stderr.splitlines() if "CONSOLE" in line]
    assert console == [], console
    # the probe itself must see errors: the same page with a broken script of its own reports them
    broken = tmp_path / "broken.html"
    broken.write_text(made["files"]["html"].read_text(encoding="utf-8").replace(
        "</main>", "</main><script>undefinedFunction()</script>", 1), encoding="utf-8")
    dom_broken, stderr_broken = probe(binary, broken, tmp_path)
    assert "csp: script-src" in re.search(r"<html[^>]*>", dom_broken).group(0)
    assert any("CONSOLE" in line for line in stderr_broken.splitlines())
    shot = tmp_path / "scorecard.png"
    run = browse(binary, made["files"]["html"], tmp_path, f"--screenshot={shot}")
    assert run.returncode == 0 and shot.read_bytes().startswith(b"\x89PNG") and shot.stat().st_size > 10_000
    print(f"html screenshot: {shot}")


def test_table_shows_failures_first_with_sources_and_a_scored_summary(made):
    out = io.StringIO()
    write("table", made["items"], checker_header(made["checker"]), out, made["packs"], Options())
    text = out.getvalue()
    assert "\x1b[" not in text
    block = text.split("\n\n")[2]
    assert block.splitlines()[1].startswith("  得分 69.2（中）")
    assert "第163行：一、本年新收政府信息公开申请数量 · 自然人 = 0" in block  # the line holds only "0"
    assert "“体球网[,，、 ]*球探体育(?:比分)…”" in block  # a long regex, shortened
    assert "体球网,球探体育比分" in block.split("第15行：")[1]  # the long line cut around what the message quotes
    c03 = text.split("\n\n")[3]
    assert "C03 警告 统计表没有空白单元格（23 处）" in c03 and "… 另有 18 处（-v 显示全部）" in c03
    assert text.rstrip().endswith("7 份报告：4 份有错误级问题，共 46 项未通过，1 份无法读取；平均得分 84.3（优 2 · 良 2 · 中 2 · 差 0）。")
    coloured = io.StringIO()
    writer = TableWriter(coloured, made["packs"], Options(color=True, verbose=True))
    writer.start(checker_header(made["checker"]))
    writer.add(*made["items"][0])
    writer.finish()
    assert "\x1b[31m" in coloured.getvalue() or "\x1b[33m" in coloured.getvalue()
    assert "✓ S01" in re.sub(r"\x1b\[[0-9;]*m", "", coloured.getvalue())


class _Dict(dict):
    """A dict that can be weakly referenced, to prove a writer keeps no entry."""


class _List(list):
    pass


def _trackable(value):
    if isinstance(value, dict):
        return _Dict({key: _trackable(item) for key, item in value.items()})
    if isinstance(value, list):
        return _List(_trackable(item) for item in value)
    return value


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_writers_stream_and_keep_no_report(made, tmp_path, name):
    entry, text = made["items"][2]
    refs = []

    def entries():
        for _ in range(5):
            copy = _trackable(json.loads(json.dumps(entry)))
            refs.extend([weakref.ref(copy), weakref.ref(copy["results"]), weakref.ref(copy["results"][0])])
            yield copy, text

    summary = write(name, entries(), checker_header(made["checker"]), tmp_path / f"out.{name}", made["packs"])
    gc.collect()
    assert summary.reports == 5
    assert [ref for ref in refs if ref() is not None] == []


DETERMINISM = """
import sys
from pathlib import Path
sys.path.insert(0, sys.argv[2])
from test_outputs import build
from engine.outputs import FORMATS, Options, write
from engine.scorecard.entry import checker_header
out = Path(sys.argv[1])
packs, items, checker = build(out)
for name in FORMATS:
    write(name, items, checker_header(checker), out / f"card.{name}", packs, Options())
"""


def test_every_format_is_byte_identical_across_runs_and_hash_seeds(tmp_path):
    outputs = []
    folder = tmp_path  # the same folder both times: an unreadable file's error names its path
    for seed in ("1", "2"):
        subprocess.run([sys.executable, "-c", DETERMINISM, str(folder), str(Path(__file__).parent)], check=True,
                       env={**os.environ, "PYTHONHASHSEED": seed}, cwd=ROOT, timeout=300)
        outputs.append({name: (folder / f"card.{name}").read_bytes() for name in FORMATS})
    for name in FORMATS:
        assert outputs[0][name] == outputs[1][name], name


def test_the_cli_writes_every_format_and_fails_on_the_chosen_severity(tmp_path):
    def run(*args: str) -> subprocess.CompletedProcess:
        # in tmp_path: whatever the command leaves in its working directory stays out of the repository
        return subprocess.run([sys.executable, "-m", "cli", "check", *args], capture_output=True, text=True,
                              cwd=tmp_path, timeout=300)

    clean = str(ROOT / "examples" / "000_c277f382703343a1.txt")  # one warning, no error
    assert run(clean).returncode == 0
    assert run(clean, "--fail-on", "warning").returncode == 1
    assert run(clean, "--fail-on", "never").returncode == 2
    missing = run(clean, "--format", "xlsx")
    assert missing.returncode == 2 and "-o FILE" in missing.stderr
    jsonl = run(clean, str(ROOT / "examples" / "002_1869ea635e2008ab.txt"), "--format", "jsonl")
    assert jsonl.returncode == 1 and len(jsonl.stdout.splitlines()) == 2
    assert json.loads(jsonl.stdout.splitlines()[0])["source"]["path"] == clean
    target = tmp_path / "card.html"
    assert run(clean, "--format", "html", "-o", str(target)).returncode == 0 and target.stat().st_size > 1000
