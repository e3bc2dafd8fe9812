"""Small charts drawn as SVG on the server: bars, lines, a heat map. No script, no toolchain.

Labels arrive already formatted (and translated); values are plain numbers.
"""

from collections.abc import Sequence
from html import escape

W, H, PAD, BOTTOM = 460, 220, 34, 40
COLORS = ("#2563eb", "#f59e0b", "#10b981", "#ef4444")


def _label_step(count: int) -> int:
    """Label every bar up to 8, every other one up to 16, then about 8 labels in all."""
    return 1 if count <= 8 else 2 if count <= 16 else count // 8


def _frame(body: str, width: int = W, height: int = H) -> str:
    return (
        f'<svg viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'xmlns="http://www.w3.org/2000/svg" font-size="11" direction="ltr">{body}</svg>'
    )


def _label(x: float, y: float, text: str, anchor: str = "middle", fill: str = "#475569") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" fill="{fill}">{escape(text)}</text>'
    )


def bars(
    labels: Sequence[str], series: Sequence[Sequence[float]], shown: Sequence[Sequence[str]]
) -> str:
    """Grouped vertical bars: one group per label, one bar per series (values >= 0)."""
    top = max([v for s in series for v in s] + [1])
    plot_w, plot_h = W - 2 * PAD, H - PAD - BOTTOM
    group = plot_w / max(len(labels), 1)
    bar = group * 0.8 / max(len(series), 1)
    parts = [
        f'<line x1="{PAD}" y1="{H - BOTTOM}" x2="{W - PAD}" y2="{H - BOTTOM}" stroke="#cbd5e1"/>'
    ]
    every = _label_step(len(labels))
    for i, label in enumerate(labels):
        x0 = PAD + i * group + group * 0.1
        for j, values in enumerate(series):
            h = plot_h * values[i] / top
            x, y = x0 + j * bar, H - BOTTOM - h
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar * 0.92:.1f}" '
                f'height="{h:.1f}" fill="{COLORS[j % 4]}" rx="2"/>'
            )
            if values[i] and len(labels) <= 16:
                parts.append(_label(x + bar * 0.46, y - 3, shown[j][i]))
        if i % every == 0:
            parts.append(_label(x0 + group * 0.4, H - BOTTOM + 14, label))
    return _frame("".join(parts))


def lines(
    labels: Sequence[str],
    series: Sequence[Sequence[float | None]],
    low: float,
    high: float,
    ticks: Sequence[tuple[float, str]],
    right_ticks: Sequence[tuple[float, str]] = (),
) -> str:
    """Lines over the labels, between `low` and `high`; gaps where a value is None. Ticks are
    (value, label) on the left axis; `right_ticks` label a second scale on the right."""
    plot_w, plot_h = W - 2 * PAD, H - PAD - BOTTOM
    step = plot_w / max(len(labels) - 1, 1)

    def y(v: float) -> float:
        return H - BOTTOM - plot_h * (v - low) / (high - low)

    parts = []
    for value, text in ticks:
        parts.append(
            f'<line x1="{PAD}" y1="{y(value):.1f}" x2="{W - PAD}" y2="{y(value):.1f}" '
            'stroke="#e2e8f0"/>'
        )
        parts.append(_label(PAD - 4, y(value) + 4, text, "end"))
    for value, text in right_ticks:
        parts.append(_label(W - PAD + 4, y(value) + 4, text, "start", COLORS[1]))
    for j, values in enumerate(series):
        points = [(PAD + i * step, y(v)) for i, v in enumerate(values) if v is not None]
        path = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
        parts.append(
            f'<polyline points="{path}" fill="none" stroke="{COLORS[j % 4]}" stroke-width="2.5"/>'
        )
        parts.extend(
            f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3" fill="{COLORS[j % 4]}"/>'
            for px, py in points
        )
    every = _label_step(len(labels))
    parts.extend(
        _label(PAD + i * step, H - BOTTOM + 14, t) for i, t in enumerate(labels) if i % every == 0
    )
    return _frame("".join(parts))


def horizontal_bars(rows: Sequence[tuple[str, float, str]]) -> str:
    """One bar per row: (label, value, value as shown)."""
    top = max([v for _, v, _ in rows] + [1])
    height = max(H, 28 * len(rows) + 20)
    parts = []
    for i, (label, value, shown) in enumerate(rows):
        y = 14 + i * 28
        width = (W - 260) * value / top
        parts.append(_label(150, y + 13, label, "end", "#0f172a"))
        parts.append(
            f'<rect x="158" y="{y}" width="{width:.1f}" height="18" fill="{COLORS[0]}" rx="2"/>'
        )
        parts.append(_label(162 + width, y + 13, shown, "start"))
    return _frame("".join(parts), height=height)


def heat_map(
    rows: Sequence[tuple[str, Sequence[float | None], Sequence[str]]], columns: Sequence[str]
) -> str:
    """A cohort triangle: one row per cohort, a cell per month since; darker = higher rate."""
    cell_w = 46.0
    width = max(W, int(110 + cell_w * len(columns)))
    height = 30 + 24 * len(rows)
    parts = [_label(104 + cell_w * (i + 0.5), 16, c) for i, c in enumerate(columns)]
    for r, (label, rates, shown) in enumerate(rows):
        y = 24 + r * 24
        parts.append(_label(96, y + 15, label, "end", "#0f172a"))
        for c, rate in enumerate(rates):
            shade = 0.08 + 0.92 * (rate or 0)
            parts.append(
                f'<rect x="{104 + c * cell_w:.1f}" y="{y}" width="{cell_w - 2:.1f}" '
                f'height="22" fill="#2563eb" fill-opacity="{shade:.2f}" rx="2"/>'
            )
            ink = "#ffffff" if (rate or 0) > 0.5 else "#0f172a"
            parts.append(_label(104 + c * cell_w + cell_w / 2 - 1, y + 15, shown[c], fill=ink))
    return _frame("".join(parts), width=width, height=max(height, 60))
