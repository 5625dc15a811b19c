"""Where a panel's note goes: the corner its box covers the fewest plotted points in, never over the legend.

Matplotlib's ``loc='best'`` places a legend away from the data but knows nothing of free text, so a fixed
corner for the note (the options a figure assumes) hid curves on some panels and sat under the legend on
others (the Fig. 4 and energy-efficiency figures). The legend is then fixed where 'best' put it (matplotlib
searches again at every draw, and at savefig's dpi it landed on the note of the Fig. 4 figure), or moved to
the place that, with the note's best corner there, covers fewer points."""

from __future__ import annotations

import numpy as np

NOTE_GID = "panel-note"
CORNERS = ((0.99, 0.01, "right", "bottom"), (0.01, 0.01, "left", "bottom"),
           (0.99, 0.99, "right", "top"), (0.01, 0.99, "left", "top"))
LEGEND_PLACES = ("upper left", "upper right", "lower left", "lower right", "center left", "center right",
                 "upper center", "lower center", "center")  # tried after where matplotlib's 'best' put it
CLASH = 10**6  # a note over the legend loses to any number of covered points


def _points(ax) -> np.ndarray:
    """Every drawn line, sampled along its segments, and every scatter point, in axes coordinates."""
    to_axes = ax.transAxes.inverted()
    out = []
    for line in ax.get_lines():
        xy = line.get_transform().transform(np.asarray(line.get_xydata(), float))
        if len(xy) > 1:
            t = np.linspace(0, 1, 20)[:, None, None]
            xy = (xy[:-1][None] * (1 - t) + xy[1:][None] * t).reshape(-1, 2)
        out.append(to_axes.transform(xy))
    for coll in ax.collections:
        offsets = coll.get_offsets()
        if len(offsets):
            out.append(to_axes.transform(coll.get_offset_transform().transform(np.asarray(offsets, float))))
            for seg in getattr(coll, "get_segments", lambda: [])():  # error bars
                seg = np.asarray(seg, float)
                if len(seg) > 1:
                    t = np.linspace(0, 1, 10)[:, None, None]
                    pts = (seg[:-1][None] * (1 - t) + seg[1:][None] * t).reshape(-1, 2)
                    out.append(to_axes.transform(coll.get_transform().transform(pts)))
    return np.concatenate(out) if out else np.zeros((0, 2))


def _covered(points: np.ndarray, box) -> int:
    return int(np.sum((points[:, 0] >= box.x0) & (points[:, 0] <= box.x1)
                      & (points[:, 1] >= box.y0) & (points[:, 1] <= box.y1)))


def _best_corner(note, points, legend_box, renderer, to_axes):
    """(score, corner) of the note's best corner against the points and (if given) the legend's box."""
    best = None
    for corner in CORNERS:
        _put(note, corner)
        box = note.get_window_extent(renderer).transformed(to_axes)
        score = _covered(points, box) + (CLASH if legend_box is not None and box.overlaps(legend_box) else 0)
        if best is None or score < best[0]:
            best = (score, corner)
    return best


def _put(note, corner) -> None:
    x, y, ha, va = corner
    note.set_position((x, y))
    note.set_ha(ha)
    note.set_va(va)


def place_notes(fig) -> None:
    """Move every panel note (a text with gid ``NOTE_GID``) to its best corner; call after the layout."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    for ax in fig.axes:
        notes = [t for t in ax.texts if t.get_gid() == NOTE_GID]
        if not notes:
            continue
        note, to_axes = notes[0], ax.transAxes.inverted()
        points = _points(ax)
        legend = ax.get_legend()
        if legend is None:
            _put(note, _best_corner(note, points, None, renderer, to_axes)[1])
            continue

        def legend_box():
            return legend.get_window_extent(renderer).transformed(to_axes)

        here = tuple(float(v) for v in legend_box().p0)
        legend.set_loc(here)
        options = []
        for place in (here, *LEGEND_PLACES):  # the first of equals wins: the legend stays where it was
            legend.set_loc(place)
            box = legend_box()
            score, corner = _best_corner(note, points, box, renderer, to_axes)
            options.append((score + _covered(points, box), place, corner))
        _, place, corner = min(options, key=lambda o: o[0])
        legend.set_loc(place)
        _put(note, corner)
