"""Charts drawn on the server as SVG: the geometry of a figure's bars, for the template
(templates/poles/includes/_chart.html). No script: the picture is the page's own markup, and
the table beside it is its accessible equivalent."""

from __future__ import annotations

from dataclasses import dataclass

from poles.figures import Figure, Figures

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


def blocks(found: Figures, france: Figures | None = None) -> list[Block]:
    """Each figure with its chart and its table's lines; with `france`, each line also gives
    the share of the same value in the whole directory."""
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
        result.append(Block(figure=figure, drawing=chart(figure), lines=lines))
    return result
