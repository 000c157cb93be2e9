"""Benchmark: the compiled national pack against hand-written Python doing the same checks.

    .venv/bin/python bench/rules_bench.py [--docs N] [--repeat R] [--seed S]

Both sides run over the same documents in one process: N generated documents (built from
engine/templates.py with random but mostly consistent numbers, some blank cells, some wrong totals,
some injected spam, some missing sections) plus the seed reports converted by engine.convert.pipeline.
Both produce the same `Evaluation` objects (outcome, binding, blanks); the hand-written side writes
a plain f-string message on failures where the engine also renders the rule's message and computes
an explanation. Text rules read the text view and stated counts the way the engine's text_facts does
(engine.rules.expr.textfacts: the view, the sentence and its exclusions are shared, the rule logic
around them is written out here). Outcomes are compared, then each side is timed (CPU time of this process, best of R,
so that other processes on the machine disturb it less) and the ratio printed.
The target is a ratio of at most 1.0 (issue 11).
"""

from __future__ import annotations

import argparse
import bisect
import random
import re
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from engine import templates as T  # noqa: E402
from engine.document import MODEL  # noqa: E402
from engine.rules.expr.compiler import Evaluation  # noqa: E402
from engine.rules.packs import load_pack  # noqa: E402
from engine.rules.expr import textfacts  # noqa: E402
from engine.rules.expr.runtime import EvalContext, number  # noqa: E402
from engine.rules.expr.types import row_label, titles as schema_titles  # noqa: E402
from engine.document.schema import template_schema  # noqa: E402

PACK = ROOT / "rulepacks" / "national" / "national.yaml"
COLUMNS = [cell.key for cell in T.APPLICANTS]
FILLER = (
    "我单位坚持以公开为常态、不公开为例外，围绕中心工作，及时准确公开政府信息，"
    "不断完善制度机制，加强政策解读与回应关切，提升政务公开工作质量和实效。"
)


# ---------------------------------------------------------------- documents


def _doc(rng: random.Random) -> dict[str, Any]:
    template = rng.choice(T.TEMPLATES)
    tpl = T.template(template)
    year = rng.choice((2019, 2020)) if template == "2019" else rng.choice((2021, 2022))
    tables: dict[str, Any] = {}

    def put(table: str, path: tuple[str, ...], values: dict[str, Any]) -> None:
        node = tables.setdefault(table, {})
        for key in path[:-1]:
            node = node.setdefault(key, {})
        node[path[-1]] = values

    for row in tpl.proactive.rows:
        keys = [c.key for c in row.cells]
        values: dict[str, Any] = {}
        for cell in row.cells:
            values[cell.key] = round(rng.uniform(0, 5000), 2) if cell.kind == "amount" else rng.randint(0, 40)
        if "published" in keys:
            values["in_force"] = values["published"] + rng.randint(0, 50)
        if "change" in keys:
            values["change"] = rng.randint(-values["prior_items"], 10)
        put("proactive", row.path, values)
    results = [r for r in tpl.applications.rows if r.path[0] == "results" and r.path[-1] != "total"]
    column_sums = dict.fromkeys(COLUMNS[:-1], 0)
    for row in results:
        values = {c: (rng.randint(0, 6) if rng.random() < 0.3 else 0) for c in COLUMNS[:-1]}
        values["total"] = sum(values.values())
        for c in COLUMNS[:-1]:
            column_sums[c] += values[c]
        put("applications", row.path, values)
    put("applications", ("results", "total"), {**column_sums, "total": sum(column_sums.values())})
    forward = {c: rng.randint(0, 2) for c in COLUMNS[:-1]}
    over = {c: rng.randint(0, min(2, column_sums[c] + forward[c])) for c in COLUMNS[:-1]}
    new = {c: column_sums[c] + forward[c] - over[c] for c in COLUMNS[:-1]}
    for key, values in (("new_received", new), ("carried_over", over), ("carried_forward", forward)):
        put("applications", (key,), {**values, "total": sum(values.values())})
    for row in tpl.disputes.rows:
        values = {c.key: rng.randint(0, 2) if rng.random() < 0.2 else 0 for c in row.cells if c.key != "total"}
        put("disputes", row.path, {**values, "total": sum(values.values())})

    # the errors real reports have, now and then
    cells = [(table.key, row.path, cell.key) for table, row, cell, _ in tpl.cells()]
    if rng.random() < 0.08:
        table, path, key = rng.choice(cells)
        node = _at(tables[table], path)
        node[key] = (node[key] or 0) + 1
    if rng.random() < 0.08:
        table, path, key = rng.choice(cells)
        _at(tables[table], path)[key] = None

    lines = [f"示例单位{year}年政府信息公开工作年度报告", "", f"发布时间：{year + 1}-01-20", ""]
    sections = []
    received = tables["applications"]["new_received"]["total"]
    disputes = sum(row["total"] or 0 for row in tables["disputes"].values())
    for number, title in T.SECTION_TITLES.items():
        if number == 6 and rng.random() < 0.05:
            continue
        if number == 5 and rng.random() < 0.1:
            title = "存在的主要问题及下步工作计划"
        heading = f"{T.NUMERALS[number - 1]}、{title}"
        start = len(lines) + 1
        lines.append(heading)
        if number == 1:
            lines.append("（一）主动公开。（二）依申请公开。（三）政府信息管理。（四）平台建设。（五）监督保障。")
            lines.append(f"本年度收到政府信息公开申请{received}件。" if received else "本年度未收到政府信息公开申请。")
            lines.append("本年度未发生行政复议、行政诉讼案件。" if not disputes else "本年度有行政复议、诉讼案件。")
        if number == 5:
            lines.append("存在的问题是公开不够及时，下一步将加强培训。")
        for _ in range(rng.randint(3, 8)):
            lines.append(FILLER * rng.randint(1, 3))
        if rng.random() < 0.03:
            lines.append("认真贯彻落实体球网,球探体育比分进一步加强全省政务公开工作")
        sections.append(
            {
                "number": number,
                "heading": heading,
                "title": title,
                "canonical": title == T.SECTION_TITLES[number],
                "line": start,
                "end_line": len(lines),
            }
        )
        lines.append("")
    published = None if rng.random() < 0.1 else f"{year + 1}-0{rng.choice((1, 1, 1, 2))}-{rng.randint(10, 28)}"
    return {
        "model": MODEL,
        "template": template,
        "meta": {
            "title": lines[0],
            "agency": rng.choice(("示例市商务局", "示例市人民政府")),
            "year": year,
            "published_on": published,
            "region": {"province": "黑龙江省", "prefecture": None, "county": None},
            "source": {"name": "x.txt", "format": "text", "sha256": "0" * 64},
        },
        "sections": sections,
        **tables,
        "notes": [],
        "provenance": {},
        "text": "\n".join(lines) + "\n",
    }


def _at(node: dict[str, Any], path: tuple[str, ...]) -> dict[str, Any]:
    for key in path:
        node = node[key]
    return node


def documents(count: int, seed: int) -> list[dict[str, Any]]:
    """`count` generated documents plus the converted seed reports (when the converter is there)."""
    rng = random.Random(seed)
    docs = [_doc(rng) for _ in range(count)]
    try:
        from engine.convert.pipeline import convert_file

        docs += [convert_file(path) for path in sorted((ROOT / "examples").glob("*.txt"))]
    except Exception as exc:  # noqa: BLE001 - the benchmark still runs on generated documents
        print(f"(seed reports skipped: {type(exc).__name__}: {exc})")
    return docs


# ---------------------------------------------------------------- hand-written checks


def _strings(text: str) -> list[str]:
    return [m.group(1) for m in re.finditer(r'"((?:[^"\\]|\\.)*)"', text)]


class Hand:
    """The national pack's checks written directly in Python (patterns taken from the pack file)."""

    def __init__(self, pack: Any):
        src = {rule.code: rule.source for rule in pack.rules}
        self.s05_words = _strings(src["S05"]["for_each"]["k"])
        s06 = _strings(src["S06"]["assert"])
        self.s06 = [re.compile(s06[0]), re.compile(s06[1])]
        # X01, X04–X07: text_facts(pattern, context) over the text view (engine.rules.expr.textfacts)
        self.facts = {}
        for code in ("X01", "X04", "X05", "X06", "X07"):
            found = [re.compile(p) for p in _strings(src[code]["for_each"]["f"])]
            self.facts[code] = (found[0], found[1] if len(found) > 1 else None)
        self.x02 = re.compile(_strings(src["X02"]["when"])[0])
        x03 = _strings(src["X03"]["when"])
        self.x03 = [re.compile(x03[0]), re.compile(x03[1])]
        self.government = re.compile(_strings(src["T01"]["assert"])[0])
        self.spam = re.compile("|".join(f"(?:{w})" for w in _strings(src["I01"]["assert"])))
        self.excused = tuple(_strings(src["C03"]["assert"]))  # note codes whose pointers excuse blanks
        self.rows: dict[str, list[tuple[tuple[str, ...], dict[str, str]]]] = {}
        self.labels: dict[tuple[str, str], str] = {}
        for name in T.TEMPLATES:
            names = schema_titles(template_schema(name))
            for table in ("proactive", "applications", "disputes"):
                out = []
                for row in getattr(T.template(name), table).rows:
                    chain = [names["/" + "/".join((table,) + row.path[: i + 1])] for i in range(len(row.path))]
                    pointer = "/" + "/".join((table,) + row.path)
                    out.append((row.path, {"pointer": pointer, "label": row_label(chain)}))
                self.rows[f"{name}/{table}"] = out
            for key, title in names.items():
                parts = key.split("/")
                if len(parts) == 3 and parts[1] == "proactive":
                    self.labels[(name, parts[2])] = title
            for cell in T.APPLICANTS:
                self.labels[(name, cell.key)] = cell.title

    def check(self, doc: dict[str, Any]) -> list[list[Evaluation]]:
        """Every rule's evaluations, in pack order."""
        tpl = doc["template"]
        text = doc["text"]
        sections = doc["sections"]
        by_number: dict[int, dict[str, Any]] = {}
        for s in sections:
            by_number.setdefault(s["number"], s)
        lines = text.split("\n")
        starts = [0]
        for line in lines:
            starts.append(starts[-1] + len(line) + 1)

        def section_text(n: int) -> str:
            s = by_number.get(n)
            if s is None:
                return ""
            last = min(s["end_line"], len(lines))
            return text[starts[s["line"] - 1] : starts[last - 1] + len(lines[last - 1])]

        na = [Evaluation("not_applicable", None, None, None, [])]
        out: list[list[Evaluation]] = []
        # S01
        out.append(
            [
                Evaluation("pass", {"n": {"pointer": None, "label": str(n), "value": n}}, None, None, [])
                if n in by_number
                else Evaluation(
                    "fail",
                    {"n": {"pointer": None, "label": str(n), "value": n}},
                    f"报告缺少第{T.NUMERALS[n - 1]}部分“{T.SECTION_TITLES[n]}”",
                    None,
                    [],
                )
                for n in range(1, 7)
            ]
        )
        # S02, S03
        s02, s03 = [], []
        for i, s in enumerate(sections):
            ref = {"s": {"pointer": f"/sections/{i}", "label": s["heading"]}}
            ok = all(b["line"] <= s["line"] or b["number"] > s["number"] for b in sections)
            s02.append(
                Evaluation("pass" if ok else "fail", ref, None if ok else f"第{s['number']}部分顺序错乱", None, [])
            )
            ok = s["canonical"]
            s03.append(
                Evaluation("pass" if ok else "fail", ref, None if ok else f"第{s['number']}部分标题不合格式", None, [])
            )
        out += [s02 or na, s03 or na]
        # S04
        year = doc["meta"]["year"]
        if year is None or year < 2019:
            out.append(na)
        else:
            ok = tpl == ("2019" if year <= 2020 else "2021")
            out.append(
                [Evaluation("pass" if ok else "fail", None, None if ok else f"{year}年度报告格式不符", None, [])]
            )
        # S05
        if tpl != "2021" or 1 not in by_number:
            out.append(na)
        else:
            first = section_text(1)
            out.append(
                [
                    Evaluation(
                        "pass" if k in first else "fail",
                        {"k": {"pointer": None, "label": k, "value": k}},
                        None if k in first else f"总体情况未见“{k}”",
                        None,
                        [],
                    )
                    for k in self.s05_words
                ]
            )
        # S06
        if 5 not in by_number:
            out.append(na)
        else:
            fifth = section_text(5)
            ok = self.s06[0].search(fifth) is not None and self.s06[1].search(fifth) is not None
            out.append(
                [Evaluation("pass" if ok else "fail", None, None if ok else "第五部分未写明问题及改进", None, [])]
            )
        # C01, C02, C03
        missing = {n.get("pointer") for n in doc["notes"] if n.get("code") == "table_not_found"}
        out.append(
            [
                Evaluation(
                    "pass" if t not in missing else "fail",
                    {"t": {"pointer": None, "label": t, "value": t}},
                    None if t not in missing else f"未找到{t}",
                    None,
                    [],
                )
                for t in ("/proactive", "/applications", "/disputes")
            ]
        )
        rows_missing = sum(1 for n in doc["notes"] if n.get("code") == "row_not_found")
        out.append(
            [
                Evaluation(
                    "pass" if not rows_missing else "fail",
                    None,
                    None if not rows_missing else f"缺少{rows_missing}行",
                    None,
                    [],
                )
            ]
        )
        excuses = [n.get("pointer") or "~" for n in doc["notes"] if n.get("code") in self.excused]
        c03 = []
        for table in ("proactive", "applications", "disputes"):
            for path, ref in self.rows[f"{tpl}/{table}"]:
                row = _at_or_none(doc[table], path)
                if row is None:
                    continue
                blank = [f"{ref['pointer']}/{k}" for k, v in row.items() if v is None]
                ok = all(any(e in p for e in excuses) for p in blank)
                c03.append(
                    Evaluation("pass", {"row": ref}, None, None, [])
                    if ok
                    else Evaluation("fail", {"row": ref}, f"“{ref['label']}”一行有{len(blank)}个空白单元格", None, [])
                )
        out.append(c03 or na)
        # A01, A04
        for table in ("applications", "disputes"):
            results: list[Evaluation] = []
            for path, ref in self.rows[f"{tpl}/{table}"]:
                row = _at_or_none(doc[table], path)
                if row is None:
                    continue
                cells = [v or 0 for k, v in row.items() if k != "total"]
                total = row["total"] or 0
                if total == sum(cells):
                    results.append(Evaluation("pass", {"row": ref}, None, None, []))
                else:
                    results.append(
                        Evaluation(
                            "fail",
                            {"row": ref},
                            f"{ref['label']}：总计为{total}，之和为{sum(cells)}",
                            None,
                            [k for k, v in row.items() if v is None],
                        )
                    )
            out.append(results if table == "applications" else results)
        a04 = out.pop()
        # A02, A03
        apps = doc["applications"]
        res = apps["results"]
        a02, a03 = [], []
        groups = [
            res["granted"],
            res["partially_granted"],
            *res["denied"].values(),
            *res["unable"].values(),
            *res["not_processed"].values(),
        ]
        groups += list(res["other"].values()) if tpl == "2021" else [res["other"]]
        for c in COLUMNS:
            ref = {"c": {"pointer": None, "label": self.labels[(tpl, c)], "value": c}}
            left = (apps["new_received"][c] or 0) + (apps["carried_over"][c] or 0)
            right = (res["total"][c] or 0) + (apps["carried_forward"][c] or 0)
            a02.append(
                Evaluation("pass", ref, None, None, [])
                if left == right
                else Evaluation("fail", ref, f"{c}：{left}≠{right}", None, [])
            )
            parts = sum(g[c] or 0 for g in groups)
            total = res["total"][c] or 0
            a03.append(
                Evaluation("pass", ref, None, None, [])
                if total == parts
                else Evaluation("fail", ref, f"{c}：{total}≠{parts}", None, [])
            )
        out += [out.pop(), a02, a03, a04]
        # A05, A06
        if tpl != "2019":
            out += [na, na]
        else:
            pro = doc["proactive"]
            a05 = []
            for k in ("licensing", "other_services", "penalty", "coercion", "fees"):
                ref = {"k": {"pointer": None, "label": self.labels[(tpl, k)], "value": k}}
                value = (pro[k]["prior_items"] or 0) + (pro[k]["change"] or 0)
                a05.append(
                    Evaluation("pass", ref, None, None, [])
                    if value >= 0
                    else Evaluation("fail", ref, f"{k}：{value}", None, [])
                )
            a06 = []
            for k in ("rules", "normative_documents"):
                ref = {"k": {"pointer": None, "label": self.labels[(tpl, k)], "value": k}}
                ok = (pro[k]["published"] or 0) <= (pro[k]["in_force"] or 0)
                a06.append(Evaluation("pass", ref, None, None, []) if ok else Evaluation("fail", ref, k, None, []))
            out += [a05, a06]
        meta_year = doc["meta"]["year"]
        # the text as text rules read it: sentences joined across line breaks (textfacts.build)
        tv = textfacts.build(text, textfacts._fixed_lines(doc))
        # X01
        x01 = []
        received, carried = apps["new_received"]["total"], apps["carried_over"]["total"]
        for ref, n in self._facts("X01", tv, starts, meta_year):
            if received is None:  # then nothing decides: every blank the assertion reads is named
                blank = ["/applications/new_received/total"] + (["/applications/carried_over/total"] if carried is None else [])
                x01.append(Evaluation("not_evaluable", ref, None, None, blank))
            elif n == received:
                x01.append(Evaluation("pass", ref, None, None, []))
            elif n > received and carried is None:
                x01.append(Evaluation("not_evaluable", ref, None, None, ["/applications/carried_over/total"]))
            else:
                ok = n > received and n == received + carried
                x01.append(Evaluation("pass" if ok else "fail", ref, None if ok else f"正文{n}≠{received}", None, []))
        out.append(x01 or na)
        # X02
        received = received or 0
        if not self.x02.search(tv.text):
            out.append(na)
        else:
            ok = received == 0 and (res["total"]["total"] or 0) == 0
            out.append([Evaluation("pass" if ok else "fail", None, None if ok else "正文称未收到申请", None, [])])
        # X03
        review, lawsuit = (p.search(tv.text) is not None for p in self.x03)
        if not (review or lawsuit):
            out.append(na)
        else:
            d = doc["disputes"]
            ok = (not review or (d["review"]["total"] or 0) == 0) and (
                not lawsuit
                or (d["litigation_direct"]["total"] or 0) + (d["litigation_after_review"]["total"] or 0) == 0
            )
            out.append([Evaluation("pass" if ok else "fail", None, None if ok else "正文称没有复议诉讼", None, [])])
        # X04–X07: a stated count against one cell, or a sum of cells
        d = doc["disputes"]
        denied = [(f"/applications/results/denied/{k}/total", v["total"]) for k, v in res["denied"].items()]
        for code, cells in (
            ("X04", [("/applications/results/granted/total", res["granted"]["total"])]),
            ("X05", denied),
            ("X06", [("/disputes/review/total", d["review"]["total"])]),
            ("X07", [("/disputes/litigation_direct/total", d["litigation_direct"]["total"]),
                     ("/disputes/litigation_after_review/total", d["litigation_after_review"]["total"])]),
        ):
            blank = [pointer for pointer, value in cells if value is None]
            stated = []
            for ref, n in self._facts(code, tv, starts, meta_year):
                if blank:
                    stated.append(Evaluation("not_evaluable", ref, None, None, blank))
                else:
                    total = sum(value for _, value in cells)
                    ok = n == total
                    stated.append(Evaluation("pass" if ok else "fail", ref, None if ok else f"正文{n}≠{total}", None, []))
            out.append(stated or na)
        # T01
        meta = doc["meta"]
        if meta["published_on"] is None or meta["year"] is None or meta["agency"] is None:
            out.append(na)
        else:
            deadline = (
                f"{meta['year'] + 1}-03-31" if self.government.search(meta["agency"]) else f"{meta['year'] + 1}-01-31"
            )
            ok = meta["published_on"][:10] <= deadline
            out.append(
                [Evaluation("pass" if ok else "fail", None, None if ok else f"发布于{meta['published_on']}", None, [])]
            )
        # I01
        found = []
        for m in self.spam.finditer(tv.text):
            line = text.count("\n", 0, tv.origin[m.start()]) + 1
            found.append(f"{m.group(0)}（第{line}行）")
        out.append(
            [Evaluation("fail", None, "、".join(found), None, [])]
            if found
            else [Evaluation("pass", None, None, None, [])]
        )
        return out


    def _facts(self, code: str, tv: Any, starts: list[int], year: Any) -> list[tuple[dict[str, Any], Any]]:
        """(binding, number) of each count the text states for rule `code` (text_facts, by hand)."""
        regex, context = self.facts[code]
        found = []
        for m in regex.finditer(tv.text):
            value = number(m.group(1) or "")
            if value is None:
                continue
            begin, stop = textfacts._sentence(tv.text, m.start(), m.end(), 0, len(tv.text))
            if textfacts._excluded(tv.text, begin, stop, m, year) or (
                context is not None and not context.search(tv.text[begin : m.start(1)])
            ):
                continue
            line = bisect.bisect_right(starts, tv.origin[m.start()])
            label = f"“{textfacts._shown(tv.text, begin, stop, m)}”（第{line}行）"
            found.append(({"f": {"pointer": None, "label": label}}, value))
        return found


def _at_or_none(node: Any, path: tuple[str, ...]) -> dict[str, Any] | None:
    for key in path:
        node = node.get(key) if isinstance(node, dict) else None
    return node if isinstance(node, dict) else None


# ---------------------------------------------------------------- the run


def engine_check(rules: list[Any], doc: dict[str, Any]) -> list[list[Evaluation]]:
    ctx = EvalContext(doc)  # shared by the rules of one document, as a pack runner should
    return [rule.compiled.evaluate(doc, ctx) for rule in rules]


def _key(evaluations: list[Evaluation]) -> list[tuple[Any, ...]]:
    return [(e.outcome, e.binding, e.blanks if e.outcome == "not_evaluable" else None) for e in evaluations]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=400)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=20240601)
    args = parser.parse_args(argv)
    pack = load_pack(PACK)
    rules = list(pack.rules)
    hand = Hand(pack)
    docs = documents(args.docs, args.seed)
    codes = [rule.code for rule in rules]
    mismatches: dict[str, int] = {}
    outcomes: dict[str, int] = {}
    for doc in docs:
        for code, mine, theirs in zip(codes, engine_check(rules, doc), hand.check(doc)):
            for e in mine:
                outcomes[e.outcome] = outcomes.get(e.outcome, 0) + 1
            if _key(mine) != _key(theirs):
                mismatches[code] = mismatches.get(code, 0) + 1
    best_engine = best_hand = float("inf")
    for _ in range(args.repeat):
        start = time.process_time()
        for doc in docs:
            engine_check(rules, doc)
        best_engine = min(best_engine, time.process_time() - start)
        start = time.process_time()
        for doc in docs:
            hand.check(doc)
        best_hand = min(best_hand, time.process_time() - start)
    n = len(docs)
    print(f"documents: {n} ({args.docs} generated + {n - args.docs} seeds), rules: {len(rules)}")
    print(f"outcomes: {', '.join(f'{k} {v}' for k, v in sorted(outcomes.items()))}")
    print(f"engine (compiled pack): {best_engine * 1e3:8.1f} ms  ({best_engine / n * 1e6:6.1f} µs/document)")
    print(f"hand-written Python:    {best_hand * 1e3:8.1f} ms  ({best_hand / n * 1e6:6.1f} µs/document)")
    ratio = best_engine / best_hand
    print(f"ratio: {ratio:.2f} (target <= 1.0)")
    if mismatches:
        print(f"outcome mismatches (documents per rule): {mismatches}")
    return 0 if ratio <= 1.0 and not mismatches else 1


if __name__ == "__main__":
    sys.exit(main())
