"""Charts drawn on the server as SVG: the geometry of a figure's bars, for the template
(templates/poles/includes/_chart.html). No script: the picture is the page's own markup, and
the table beside it is its accessible equivalent."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from poles.figures import Figure, Figures
from poles.territories import outlines

WIDTH = 320  # one unit per CSS pixel on the narrowest phone; scaled up on larger screens
ROW = 34  # a label line, then its bar
BAR = 12
VALUE_ROOM = 44  # after the longest bar: its number
SERIES_HEIGHT = 140
SERIES_AXIS = 18  # below the columns: every fifth year


@dataclass(frozen=True)
class Mark:
    x: float
    y: float
    width: float
    height: float
    label: str
    count: int
    query: str | None
    text_x: float
    text_y: float
    tick: bool = False  # series: the year is written under its column


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    marks: list[Mark]
    series: bool
    summary: str  # the description: the largest values in words


def chart(figure: Figure) -> Chart:
    return _series(figure) if figure.series else _bars(figure)


def _summary(figure: Figure) -> str:
    largest = sorted(figure.rows, key=lambda row: -row.count)[:5]
    return " ; ".join(f"{row.label} : {row.count}" for row in largest if row.count)


def _bars(figure: Figure) -> Chart:
    peak = figure.peak or 1
    room = WIDTH - VALUE_ROOM
    marks = []
    for index, row in enumerate(figure.rows):
        top = index * ROW
        width = round(room * row.count / peak, 1)
        marks.append(Mark(x=0, y=top + 16, width=width, height=BAR, label=row.label,
                          count=row.count, query=row.query, text_x=width + 4,
                          text_y=top + 16 + BAR - 1))  # fmt: skip
    return Chart(width=WIDTH, height=max(len(marks) * ROW, ROW), marks=marks, series=False,
                 summary=_summary(figure))  # fmt: skip


def _series(figure: Figure) -> Chart:
    rows = [row for row in figure.rows if row.value.isdigit()]  # the unknown year: in the table
    count = max(len(rows), 1)
    step = max(WIDTH / count, 6)
    width = round(step * count)
    peak = figure.peak or 1
    marks = []
    for index, row in enumerate(rows):
        height = round((SERIES_HEIGHT - 14) * row.count / peak, 1)
        x = round(index * step, 1)
        marks.append(Mark(x=x + 1, y=SERIES_HEIGHT - height, width=max(step - 2, 2),
                          height=height, label=row.label, count=row.count, query=row.query,
                          text_x=x + step / 2, text_y=SERIES_HEIGHT + 13,
                          tick=int(row.value) % 5 == 0))  # fmt: skip
    return Chart(width=width, height=SERIES_HEIGHT + SERIES_AXIS, marks=marks, series=True,
                 summary=_summary(figure))  # fmt: skip


@dataclass(frozen=True)
class Line:
    """A row of a figure's table: its numbers as the page shows them."""

    label: str
    count: int
    query: str | None
    share: int | None  # percent of the selection's poles
    france_share: int | None  # the same in the whole directory (territory pages)
    extras: list  # (header, value) of the figure's own columns (value None: unknown)


@dataclass(frozen=True)
class Block:
    figure: Figure
    drawing: Chart
    lines: list[Line]
    maps: list = field(default_factory=list)  # ShadedMap, for regions and departments
    level: str = ""  # the outlines' level: "regions" or "departments"
    shapes: tuple = ()  # their outlines (poles.territories.outlines.Shape)


def blocks(found: Figures, france: Figures | None = None, maps: bool = True) -> list[Block]:
    """Each figure with its chart and its table's lines; with `france`, each line also gives
    the share of the same value in the whole directory; `maps`: the shaded maps too."""
    result = []
    for figure in found.figures:
        national = france.get(figure.name) if france else None
        counts = {row.value: row.count for row in national.rows} if national else {}
        lines = [
            Line(label=row.label, count=row.count, query=row.query,
                 share=found.share(row.count),
                 france_share=france.share(counts.get(row.value, 0)) if france else None,
                 extras=[(header, row.extra.get(key)) for key, header in figure.columns])
            for row in figure.rows
        ]  # fmt: skip
        level = MAP_LEVELS.get(figure.name, "") if maps else ""
        result.append(Block(
            figure=figure, drawing=chart(figure), lines=lines,
            maps=shaded_maps(figure, level) if level else [], level=level,
            shapes=outlines.shapes(level) if level else (),
        ))  # fmt: skip
    return result


# --- shaded maps of the regions and departments -----------------------------------------------

SHADES = 5  # classes of values, plus "none"
MAP_LEVELS = {"regions": "regions", "departements": "departments"}


@dataclass(frozen=True)
class Area:
    code: str
    label: str
    value: float | None
    shade: int  # 0: no pole (or no population); 1 to SHADES: lightest to darkest


@dataclass(frozen=True)
class ShadedMap:
    measure: str  # "count" or "rate"
    title: str
    areas: list[Area]  # one per outline, in the outlines' order
    legend: list[tuple[int, str]]
    summary: str


def _classes(values: list[float]) -> list[float]:
    """Upper bounds of SHADES classes of the non-zero values (quantiles)."""
    values = sorted(v for v in values if v)
    if not values:
        return []
    return [values[min(len(values) - 1, math.ceil(len(values) * k / SHADES) - 1)]
            for k in range(1, SHADES + 1)]  # fmt: skip


def shaded_maps(figure: Figure, level: str) -> list[ShadedMap]:
    """The regions' or departments' figure as two shaded maps: poles, and poles per 100,000
    inhabitants. The figure's table is their accessible equivalent."""
    maps = []
    for measure, title in (("count", _("Nombre de pôles")),
                           ("rate", _("Pôles pour 100 000 habitants"))):  # fmt: skip
        values = {row.value: (row.count if measure == "count" else row.extra.get("rate"))
                  for row in figure.rows}  # fmt: skip
        bounds = _classes([v for v in values.values() if v is not None])
        labels = {row.value: row.label for row in figure.rows}
        areas = []
        for shape in outlines.shapes(level):  # territories without a pole are not in the rows
            value = values.get(shape.code)
            shade = 0 if not value else next(i + 1 for i, b in enumerate(bounds) if value <= b)
            areas.append(Area(shape.code, labels.get(shape.code, ""), value, shade))
        legend = [(0, _("aucun"))]
        decimals = 2 if measure == "rate" else 0

        low = 0 if measure == "rate" else 1
        for index, bound in enumerate(bounds):
            if index and bound == bounds[index - 1]:
                continue
            span = {"low": number_format(low, decimal_pos=decimals),
                    "high": number_format(bound, decimal_pos=decimals)}  # fmt: skip
            text = span["high"] if low == bound else _("%(low)s à %(high)s") % span
            legend.append((index + 1, text))
            low = bound if measure == "rate" else bound + 1
        largest = sorted((a for a in areas if a.value), key=lambda a: -a.value)[:3]
        summary = " ; ".join(
            f"{a.label} : {number_format(a.value, decimal_pos=decimals)}" for a in largest
        )
        maps.append(ShadedMap(measure, title, areas, legend, summary))
    return maps


def map_context() -> dict:
    """What the shaded maps' template needs besides the blocks: the frame and the insets."""
    return {"map_width": outlines.WIDTH, "map_height": outlines.HEIGHT,
            "insets": outlines.inset_frames()}  # fmt: skip
