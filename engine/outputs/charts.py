"""Inline SVG charts for the html report: no script, no external file, every label escaped."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape


def _fmt(value: float) -> str:
    """A coordinate with at most one decimal, so the same data always draws the same bytes."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def histogram(counts: Sequence[int], labels: Sequence[str], caption: str, width: int = 640,
              height: int = 220) -> str:
    """A column chart of `counts` (one column per label), each column titled with its count."""
    top, bottom, left = 16, 36, 36
    plot_h = height - top - bottom
    peak = max(counts, default=0) or 1
    if peak > 4:  # four whole-number intervals: counts of reports have no fractions
        peak = -(-peak // 4) * 4
    ticks = 4 if peak >= 4 else peak
    step = (width - left - 8) / max(len(counts), 1)
    parts = [f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="{width}" height="{height}"'
             f' aria-label="{escape(caption)}">']
    parts.append(f'<line class="axis" x1="{left}" y1="{top + plot_h}" x2="{width - 8}" y2="{top + plot_h}"/>')
    for tick in range(0, ticks + 1):
        value = peak * tick // ticks
        y = top + plot_h - plot_h * tick / ticks
        parts.append(f'<text class="tick" x="{left - 4}" y="{_fmt(y + 4)}" text-anchor="end">{_fmt(value)}</text>')
    for index, (count, label) in enumerate(zip(counts, labels)):
        bar_h = plot_h * count / peak
        x = left + index * step + 2
        y = top + plot_h - bar_h
        parts.append(f'<g><title>{escape(label)}：{count} 份</title>'
                     f'<rect class="bar b{index}" x="{_fmt(x)}" y="{_fmt(y)}" width="{_fmt(step - 4)}"'
                     f' height="{_fmt(bar_h)}"/>')
        if count:
            parts.append(f'<text class="count" x="{_fmt(x + (step - 4) / 2)}" y="{_fmt(y - 3)}"'
                         f' text-anchor="middle">{count}</text>')
        parts.append(f'<text class="label" x="{_fmt(x + (step - 4) / 2)}" y="{height - bottom + 16}"'
                     f' text-anchor="middle">{escape(label)}</text></g>')
    parts.append("</svg>")
    return "".join(parts)


def bars(items: Sequence[tuple[str, float, str]], caption: str, maximum: float | None = None,
         width: int = 640, label_width: int = 260) -> str:
    """Horizontal bars: (label, value, text shown after the bar) for each item, in the order given."""
    row, top = 22, 4
    height = top * 2 + row * max(len(items), 1)
    peak = maximum if maximum is not None else max((value for _, value, _ in items), default=0)
    peak = peak or 1
    room = width - label_width - 120
    parts = [f'<svg class="chart bars" role="img" viewBox="0 0 {width} {height}" width="{width}"'
             f' height="{height}" aria-label="{escape(caption)}">']
    for index, (label, value, shown) in enumerate(items):
        y = top + index * row
        length = room * value / peak
        short = label if len(label) <= 22 else label[:21] + "…"
        parts.append(f'<g><title>{escape(label)}：{escape(shown)}</title>'
                     f'<text class="label" x="{label_width - 6}" y="{y + 15}" text-anchor="end">{escape(short)}</text>'
                     f'<rect class="bar" x="{label_width}" y="{y + 3}" width="{_fmt(length)}" height="{row - 6}"/>'
                     f'<text class="count" x="{_fmt(label_width + length + 6)}" y="{y + 15}">{escape(shown)}</text></g>')
    if not items:
        parts.append(f'<text class="label" x="8" y="{top + 15}">（无）</text>')
    parts.append("</svg>")
    return "".join(parts)
