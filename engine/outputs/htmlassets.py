"""The html report's inline stylesheet and script (no network: the page loads nothing else)."""

from __future__ import annotations

import base64
import hashlib

CSS = """
:root { --fg:#1d2330; --muted:#5b6475; --line:#d9dde5; --bg:#f6f7f9; --err:#b3261e; --warn:#a15c00;
  --info:#2f5d8a; --ok:#1f7a3f; --bar:#4a78b5; }
* { box-sizing: border-box; }
body { margin:0; font:14px/1.55 "PingFang SC","Noto Sans CJK SC","Microsoft YaHei","WenQuanYi Zen Hei",system-ui,sans-serif;
  color:var(--fg); background:var(--bg); }
header.top { background:#22324a; color:#fff; padding:16px 28px; }
header.top h1 { margin:0; font-size:20px; }
header.top p { margin:4px 0 0; color:#c9d3e3; }
header.top p.warn { color:#ffd0cc; font-weight:bold; }
nav.toc { padding:8px 28px; background:#fff; border-bottom:1px solid var(--line); position:sticky; top:0; z-index:2; }
nav.toc a { margin-right:16px; }
main { padding:16px 28px 48px; max-width:1200px; }
a { color:#1f5aa6; text-decoration:none; }
a:hover { text-decoration:underline; }
/* report text may hold endless unbroken strings (pointers, URLs, spam): always allow a break */
section.block, section.report { overflow-wrap:anywhere; background:#fff; border:1px solid var(--line); border-radius:6px;
  padding:12px 20px; margin:16px 0; }
h2 { font-size:18px; margin:6px 0 10px; }
h3 { font-size:15px; margin:14px 0 6px; }
.tiles { display:flex; flex-wrap:wrap; gap:12px; }
.tile { border:1px solid var(--line); border-radius:6px; padding:8px 14px; min-width:110px; }
.tile b { display:block; font-size:22px; }
.tile span { color:var(--muted); }
.charts { display:flex; flex-wrap:wrap; gap:16px; }
figure { margin:8px 0; }
figcaption { font-weight:600; margin-bottom:4px; }
svg.chart { max-width:100%; height:auto; font-size:11px; }
svg.chart .bar { fill:var(--bar); }
svg.chart .axis { stroke:#888; }
svg.chart .tick, svg.chart .label { fill:var(--muted); }
svg.chart .count { fill:var(--fg); }
table { border-collapse:collapse; width:100%; }
th, td { border-bottom:1px solid var(--line); padding:4px 8px; text-align:left; vertical-align:top; }
th { background:#eef1f5; }
td.num { text-align:right; font-variant-numeric:tabular-nums; }
.grade { display:inline-block; min-width:1.8em; text-align:center; border-radius:4px; color:#fff;
  padding:0 4px; font-weight:700; }
.g-优 { background:#1f7a3f; } .g-良 { background:#4a8f3f; } .g-中 { background:#a15c00; }
.g-差 { background:#b3261e; } .g-none { background:#8a8f99; }
.meta { color:var(--muted); margin:0 0 6px; }
.cats { display:flex; flex-wrap:wrap; gap:10px; margin:6px 0; }
.cat { width:150px; }
.cat .track { background:#e6e9ee; height:8px; border-radius:4px; overflow:hidden; }
.cat .fill { background:var(--bar); height:8px; }
.blocked { color:var(--err); font-weight:600; }
ol.findings { padding-left:22px; }
li.finding { margin:10px 0; padding:6px 10px; border-left:4px solid var(--line); background:#fbfbfc; }
li.sev-error { border-left-color:var(--err); } li.sev-warning { border-left-color:var(--warn); }
li.sev-info { border-left-color:var(--info); } li.out-error { border-left-color:#7b3fa0; }
.badge { display:inline-block; font-size:12px; padding:0 6px; border-radius:3px; color:#fff; }
.badge.error { background:var(--err); } .badge.warning { background:var(--warn); }
.badge.info { background:var(--info); } .badge.rule-error { background:#7b3fa0; }
.badge.blocking { background:#000; }
.msg { margin:4px 0; }
.expl { margin:4px 0; font-family:ui-monospace,Menlo,Consolas,monospace; font-size:12px; color:#333;
  word-break:break-all; }
.where { margin:4px 0; color:var(--muted); }
.fid { color:#98a0ad; font-size:11px; margin:2px 0 0; }
pre { margin:4px 0; font:12px/1.5 ui-monospace,Menlo,Consolas,"Noto Sans Mono CJK SC",monospace;
  white-space:pre-wrap; word-break:break-all; }
pre.excerpt { background:#f3f4f7; border:1px solid var(--line); padding:4px 8px; }
pre.excerpt span { display:block; min-height:1.5em; }
pre.excerpt .hit { background:#fff1a8; }
pre.excerpt .ann { color:#7a5c00; font-style:normal; margin-left:2em; }
pre .n { color:#98a0ad; display:inline-block; min-width:3.5em; user-select:none; }
pre.src span.ln { display:block; min-height:1.5em; }
pre.src span.ln:target { background:#fff1a8; outline:1px solid #e0b400; }
details { margin:8px 0; }
summary { cursor:pointer; color:#1f5aa6; }
.muted { color:var(--muted); }
"""

JS = """
(function () {
  function reveal(hash) {
    if (!hash || hash.length < 2) { return; }
    var target = document.getElementById(decodeURIComponent(hash.slice(1)));
    if (!target) { return; }
    for (var d = target.closest('details'); d; d = d.parentElement && d.parentElement.closest('details')) {
      d.open = true;
    }
    target.scrollIntoView({block: 'center'});
  }
  window.addEventListener('hashchange', function () { reveal(location.hash); });
  document.addEventListener('click', function (event) {
    var link = event.target.closest && event.target.closest('a[href^="#"]');
    if (link) { reveal(link.getAttribute('href')); }
  });
  var filter = document.getElementById('filter');
  if (filter) {
    filter.addEventListener('input', function () {
      var query = filter.value.trim();
      document.querySelectorAll('#index tbody tr').forEach(function (row) {
        row.hidden = query !== '' && row.textContent.indexOf(query) < 0;
      });
    });
  }
  reveal(location.hash);
  document.body.setAttribute('data-ready', '1');
})();
"""


def script_hash() -> str:
    """The CSP source that allows exactly the inline script above and nothing else."""
    digest = hashlib.sha256(JS.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def csp() -> str:
    """No network at all; only our own inline script; inline styles for the charts and bars."""
    return (f"default-src 'none'; script-src {script_hash()}; style-src 'unsafe-inline'; img-src data:; "
            "base-uri 'none'; form-action 'none'")
