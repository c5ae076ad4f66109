"""The request log's chart: calls per day, successes and failures side by side, as SVG geometry. Pure, no database."""

from dataclasses import dataclass
from datetime import timedelta

WIDTH, HEIGHT, TOP, BOTTOM, LEFT = 640, 200, 16, 34, 44
BAR = 7


@dataclass(frozen=True)
class Bar:
    x: int
    y: float
    height: float
    count: int


@dataclass(frozen=True)
class Day:
    date: object
    success: Bar
    failed: Bar
    label_x: int
    show_label: bool
    minor_label: bool  # a label a phone's narrow chart leaves out, so the others can stay readable
    slot_x: int
    chosen: bool  # the day the log is filtered to: its slot is highlighted and labelled


def daily_chart(counts, today, days=30, chosen=None):
    """Bars for the `days` days ending today. counts maps (date, "success"|"failed") to a number of calls;
    chosen is the date the log shows, if one."""
    first = today - timedelta(days=days - 1)
    dates = [first + timedelta(days=i) for i in range(days)]
    peak = max([counts.get((d, r), 0) for d in dates for r in ("success", "failed")] + [1])
    plot = HEIGHT - TOP - BOTTOM
    slot = (WIDTH - LEFT) // days

    def bar(x, count):
        height = round(plot * count / peak, 1)
        return Bar(x, round(TOP + plot - height, 1), height, count)

    rows = []
    for i, date in enumerate(dates):
        x = LEFT + i * slot
        rows.append(
            Day(
                date,
                bar(x + 2, counts.get((date, "success"), 0)),
                bar(x + 3 + BAR, counts.get((date, "failed"), 0)),
                x + slot // 2,
                (i % 5 == 0 or i == days - 1) and date != chosen,
                i % 10 != 0 and i != days - 1,
                x,
                date == chosen,
            )
        )
    return {
        "days": rows,
        "peak": peak,
        "width": WIDTH,
        "height": HEIGHT,
        "baseline": HEIGHT - BOTTOM,
        "top": TOP,
        "left": LEFT,
        "label_y": HEIGHT - BOTTOM + 24,
        "slot": slot,
        "plot": plot,
        "chosen": next((day for day in rows if day.chosen), None),
    }
