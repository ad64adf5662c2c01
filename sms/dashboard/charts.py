"""The dashboard's charts, drawn on the server by matplotlib as SVG (no JavaScript).

Each chart is shown as an ``<img>`` whose source is the SVG as a ``data:`` address: the page's Content
Security Policy allows ``img-src data:`` but no inline styles, and an SVG shown as an image keeps its
own styles without loosening the page's policy. The image's alternative text names the chart and
says what it shows; the same figures are in a table beside it. Series differ by pattern and marker
as well as colour (WCAG 1.4.1), in GOV.UK colours.

matplotlib is used through its object interface (``Figure``), not ``pyplot``: no global state, safe
in threads. Rendering is cached by the figures, so a page refreshed with the same data costs nothing.
"""

import base64
import io
from datetime import date
from functools import lru_cache

BLUE, ORANGE, GREEN, BLACK, GREY = "#1d70b8", "#f47738", "#00703c", "#0b0c0c", "#505a5f"
STYLES = [(BLUE, "-", "o"), (ORANGE, "--", "s"), (GREEN, ":", "^")]  # colour, line, marker per series
RC = {
    "svg.fonttype": "none",  # text stays text: selectable, and scaled by the browser
    "svg.hashsalt": "sms-dashboard",  # stable ids, so the same figures give the same SVG
    "font.family": "sans-serif",
    "font.size": 11,
    "axes.edgecolor": GREY,
    "axes.labelcolor": BLACK,
    "xtick.color": BLACK,
    "ytick.color": BLACK,
}


def _figure():
    """A new figure. matplotlib is imported here, on the first chart, not when the URLs load: the
    other pages (and the first request after a start) do not pay for it."""
    import matplotlib

    matplotlib.use("svg")
    matplotlib.rcParams.update(RC)
    from matplotlib.figure import Figure

    return Figure(figsize=(6.4, 3.4), layout="constrained")


def _integer_axis(axes) -> None:
    from matplotlib.ticker import MaxNLocator

    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_ylim(bottom=0)


def month_label(month: date) -> str:
    return f"{month:%b %Y}"


def _svg(figure, title: str, description: str) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Title": title, "Description": description, "Date": None})
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue().encode()).decode()


@lru_cache(maxsize=256)
def _allocation_svg(
    months: tuple[date, ...], series: tuple[tuple[str, tuple[int, ...], int], ...], title: str, description: str
) -> str:
    figure = _figure()
    axes = figure.subplots()
    labels = [month_label(month) for month in months]
    for (label, values, granted), (colour, line, marker) in zip(series, STYLES, strict=False):
        axes.plot(labels, values, color=colour, linestyle=line, marker=marker, linewidth=2, label=f"{label}: used")
        axes.axhline(granted, color=colour, linestyle=(0, (1, 3)), linewidth=1)
        axes.annotate(
            f"{granted} granted", (0, granted), xytext=(2, 2), textcoords="offset points", color=BLACK, fontsize=9
        )
    axes.set_ylabel("Certificates used (running total)")
    _integer_axis(axes)
    axes.tick_params(axis="x", labelrotation=45)
    axes.legend(loc="upper left", frameon=False, fontsize=9)
    axes.spines[["top", "right"]].set_visible(False)
    return _svg(figure, title, description)


def allocation_chart(data: dict, year_label: str) -> dict | None:
    """The allocation's use through the year: a running total per category against what was granted."""
    if not data["months"]:
        return None
    title = f"Allocation used, {year_label}"
    parts = [f"{s['label']}: {s['values'][-1]} of {s['granted']} used" for s in data["series"]]
    description = "Running total of certificates used each month. " + "; ".join(parts) + "."
    series = tuple((s["label"], tuple(s["values"]), s["granted"]) for s in data["series"])
    return {
        "title": title,
        "description": description,
        "src": _allocation_svg(tuple(data["months"]), series, title, description),
    }


@lru_cache(maxsize=256)
def _reports_svg(
    months: tuple[date, ...], on_time: tuple[int, ...], late: tuple[int, ...], title: str, description: str
) -> str:
    figure = _figure()
    axes = figure.subplots()
    labels = [month_label(month) for month in months]
    axes.bar(labels, on_time, color=BLUE, edgecolor=BLACK, linewidth=0.5, label="On time")
    axes.bar(
        labels,
        late,
        bottom=on_time,
        color="#ffffff",
        edgecolor=ORANGE,
        hatch="///",
        linewidth=1,
        label="Late (hatched)",
    )
    axes.set_ylabel("Reports made")
    _integer_axis(axes)
    axes.tick_params(axis="x", labelrotation=45)
    axes.legend(loc="upper left", frameon=False, fontsize=9)
    axes.spines[["top", "right"]].set_visible(False)
    return _svg(figure, title, description)


def reports_chart(data: dict) -> dict | None:
    """Reports made on time and late, by month over the last 12 months (stacked bars); None when no
    report was made (an empty chart says nothing the sentence in its place does not)."""
    months = tuple(data["months"])
    if not any(data["on_time"]) and not any(data["late"]):
        return None
    title = f"Reports made on time and late, {month_label(months[0])} to {month_label(months[-1])}"
    on_time, late = sum(data["on_time"]), sum(data["late"])
    description = (
        f"Stacked bars, one a month: {on_time} report{'' if on_time == 1 else 's'} made on time and {late} late "
        "in the 12 months."
    )
    return {
        "title": title,
        "description": description,
        "src": _reports_svg(months, tuple(data["on_time"]), tuple(data["late"]), title, description),
    }
