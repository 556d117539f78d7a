#!/usr/bin/env python3
"""Renders the panels of ops/grafana/stratisd-dashboard.json as a static HTML page of SVG line
charts, from the per-panel series PrometheusIT wrote (-Ddashboard.data=FILE): an honest stand-in
for Grafana (not in Debian) that plots the same queries from the same Prometheus.
Usage: dashboard-render.py DATA.json > page.html"""
import html
import json
import re
import sys

COLOURS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"]
W, H, L, R, T, B = 640, 250, 70, 10, 10, 24


def legend(fmt, metric):
    text = re.sub(r"\{\{\s*(\w+)\s*\}\}", lambda m: metric.get(m.group(1), ""), fmt).strip()
    return text or ",".join(f"{k}={v}" for k, v in metric.items()) or "value"


def fmt_value(v, unit):
    if unit == "bytes":
        for suffix, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
            if abs(v) >= scale:
                return f"{v / scale:.1f} {suffix}"
        return f"{v:.0f} B"
    if unit == "percent":
        return f"{v:.0f} %"
    if unit == "s":
        return f"{v * 1000:.1f} ms"
    if unit == "reqps":
        return f"{v:.1f}/s"
    return f"{v:g}"


def chart(panel):
    lines = []
    for target in panel["targets"]:
        for series in target["result"]:
            points = [(float(t), float(v)) for t, v in series["values"] if v not in ("NaN", "+Inf", "-Inf")]
            if points:
                lines.append((legend(target["legend"], series["metric"]), points))
    ts = [t for _, pts in lines for t, _ in pts]
    vs = [v for _, pts in lines for _, v in pts]
    t0, t1 = min(ts), max(ts)
    v0, v1 = min(0.0, min(vs)), max(vs)
    if v1 == v0:
        v1 = v0 + 1
    v1 *= 1.05

    def x(t):
        return L + (t - t0) / max(t1 - t0, 1) * (W - L - R)

    def y(v):
        return T + (1 - (v - v0) / (v1 - v0)) * (H - T - B)

    svg = [f'<svg width="{W}" height="{H}" xmlns="http://www.w3.org/2000/svg">',
           f'<rect x="{L}" y="{T}" width="{W - L - R}" height="{H - T - B}" fill="#fafafa" stroke="#ccc"/>']
    for i in range(5):
        v = v0 + (v1 - v0) * i / 4
        svg.append(f'<line x1="{L}" x2="{W - R}" y1="{y(v):.1f}" y2="{y(v):.1f}" stroke="#e5e5e5"/>')
        svg.append(f'<text x="{L - 4}" y="{y(v) + 4:.1f}" font-size="10" text-anchor="end">{html.escape(fmt_value(v, panel["unit"]))}</text>')
    svg.append(f'<text x="{L}" y="{H - 6}" font-size="10">0 s</text>')
    svg.append(f'<text x="{W - R}" y="{H - 6}" font-size="10" text-anchor="end">{t1 - t0:.0f} s</text>')
    for i, (_, pts) in enumerate(lines):
        path = " ".join(f"{x(t):.1f},{y(v):.1f}" for t, v in pts)
        svg.append(f'<polyline fill="none" stroke="{COLOURS[i % len(COLOURS)]}" stroke-width="2" points="{path}"/>')
    svg.append("</svg>")
    keys = "".join(f'<span><i style="background:{COLOURS[i % len(COLOURS)]}"></i>{html.escape(name)}</span>'
                   for i, (name, _) in enumerate(lines))
    return f'<div class="panel"><h2>{html.escape(panel["title"])}</h2>{"".join(svg)}<div class="keys">{keys}</div></div>'


def main():
    panels = json.load(open(sys.argv[1]))
    body = "".join(chart(p) for p in panels)
    print(f"""<!doctype html><html><head><meta charset="utf-8"><style>
body {{ font-family: sans-serif; margin: 12px; background: #fff; }}
h1 {{ font-size: 18px; margin: 0 0 8px; }} h2 {{ font-size: 13px; margin: 4px 0; }}
.grid {{ display: grid; grid-template-columns: repeat(2, {W + 12}px); gap: 8px; }}
.panel {{ border: 1px solid #ddd; padding: 6px; }}
.keys {{ font-size: 10px; }} .keys span {{ margin-right: 10px; white-space: nowrap; }}
.keys i {{ display: inline-block; width: 10px; height: 3px; margin-right: 3px; vertical-align: middle; }}
</style></head><body><h1>Stratis storage (stratisd-java): the dashboard's queries, from PrometheusIT's Prometheus</h1>
<div class="grid">{body}</div></body></html>""")


main()
