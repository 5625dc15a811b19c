"""Figures a person reads: every line style in the legend, labels that do not overlap, a scale for the lobes,
who senses each target, axis labels in words, no interval below zero, no empty panel, quick size said."""

import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import isacopt as iso  # noqa: E402
from isacopt.plots import solution_map  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]


def _solved(name):
    spec = iso.load_problem(ROOT / "problems" / f"{name}.yaml")
    net = spec.network()
    return net, spec.problem.solve(net)


def _overlaps(ax) -> int:
    fig = ax.figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    boxes = [t.get_window_extent(renderer) for t in ax.texts if t.get_text() and t.get_text()[0] in "but"]
    return sum(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1:])


@pytest.fixture(scope="module")
def nulling():
    net, sol = _solved("hex-7cell-sensing-nulling")
    ax = solution_map(net, sol)
    yield net, sol, ax
    plt.close(ax.figure)


def test_the_map_legend_names_every_line_style(nulling):
    _, sol, ax = nulling
    labels = ax.get_legend().get_texts()
    names = {t.get_text() for t in labels}
    assert {"serves user", "null toward a BS's radar receiver", "beampattern (radius ~ gain)"} <= names
    assert any(b.protected_bs for b in sol.base_stations)  # the purple lines are there to be named


def test_node_labels_do_not_overlap_and_every_node_is_labelled(nulling):
    net, _, ax = nulling
    ids = {t.get_text() for t in ax.texts}
    assert {n.id for n in [*net.base_stations, *net.users, *net.targets]} <= ids
    assert _overlaps(ax) == 0


def test_the_lobes_have_a_gain_scale(nulling):
    _, sol, ax = nulling
    scale = [t.get_text() for t in ax.texts if t.get_text().startswith("lobe radius = gain")]
    assert len(scale) == 1
    peak = float(scale[0].split("gain ")[1].split(" W")[0])
    assert peak >= max(t.beampattern_gain_w for t in sol.targets) * (1 - 1e-2)  # the largest gain drawn


def test_a_cooperative_map_draws_who_senses_each_target():
    net, sol = _solved("hex-7cell-comp-radar")
    ax = solution_map(net, sol)
    names = {t.get_text() for t in ax.get_legend().get_texts()}
    assert "senses target" in names and "joins in serving (CoMP)" in names
    dashed = [ln for ln in ax.get_lines() if ln.get_linestyle() == "--" and ln.get_color() == "tab:red"]
    assert len(dashed) == sum(len(t.sensing_bs) for t in sol.targets)
    plt.close(ax.figure)


def test_report_figures_read_well(tmp_path):
    from isacopt.sweep import ResultStore, load_sweep, run_sweep, summarise
    from isacopt.sweep.figures import report_figure
    from isacopt.sweep.spec import PlotSpec

    spec = load_sweep(ROOT / "tests" / "sweep" / "tiny.yaml", quick=True)
    run_sweep(spec, tmp_path / "r", workers=1, progress=False, quick=True)
    with ResultStore(tmp_path / "r") as store:
        table, quick = summarise(store), store.quick()
    assert quick
    spec = spec.model_copy(update={"report": (PlotSpec(kind="versus", x="layout.tx_antennas", y="sensing_ase"),
                                              PlotSpec(kind="versus", x="layout.tx_antennas", y="comm_ase",
                                                       where={"problem.comm_fraction": 0.5}))})
    captured = {}
    real_savefig = plt.Figure.savefig

    def keep(fig, *args, **kwargs):
        captured["fig"] = fig
        return real_savefig(fig, *args, **kwargs)

    plt.Figure.savefig = keep
    try:
        report_figure(spec, table, tmp_path / "f.png", quick=True)
    finally:
        plt.Figure.savefig = real_savefig
    fig = captured["fig"]
    first, empty = fig.axes[:2]
    assert first.get_xlabel() == "transmit antennas per BS, Nt" and first.get_ylabel() == "sensing ASE [bit/s/Hz/km^2]"
    assert "QUICK SIZE" in first.get_title() and any("QUICK SIZE" in t.get_text() for t in fig.texts)
    for container in first.containers:  # every interval's lower end at or above zero
        bars = container.lines[2][0]
        assert min(seg[:, 1].min() for seg in bars.get_segments()) >= 0.0
    assert any("no point with every snapshot certified" in t.get_text() for t in empty.texts)
    assert json.loads(table["excluded"].iloc[0]) == {}


def test_a_tradeoff_legend_names_the_design_it_draws():
    import pandas as pd

    from isacopt.sweep.figures import tradeoff
    from isacopt.sweep.spec import PlotSpec

    def table(designs):
        return pd.DataFrame([{"design": d, "complete": True, "layout.tx_antennas": nt, "comm_ase": c + nt,
                              "sensing_ase": s, "comm_ase_ci95": 0.1, "sensing_ase_ci95": 0.1}
                             for d in designs for nt in (4, 8) for c, s in ((1.0, 2.0), (2.0, 1.0))])

    plot = PlotSpec(kind="tradeoff", x="comm_ase", y="sensing_ase", series="layout.tx_antennas")
    labels = []
    for designs in (["zf"], ["max-min-sinr", "max-min-sensing-sinr"]):
        fig, ax = plt.subplots()
        tradeoff(ax, table(designs), plot)
        labels.append({t for t in ax.get_legend_handles_labels()[1]})
        plt.close(fig)
    assert {"zf Nt = 4", "zf Nt = 8", "time sharing Nt = 4"} <= labels[0]
    assert {"envelope Nt = 4", "envelope Nt = 8"} <= labels[1]
    assert not any("optimised" in label for label in labels[0])


def test_a_panel_note_avoids_the_data_and_the_legend():
    from isacopt.sweep.note_placement import NOTE_GID, place_notes

    fig, ax = plt.subplots()
    x = np.linspace(0, 1, 50)
    ax.plot(x, 0.03 + 0.01 * x, label="a curve along the bottom")      # crowds both lower corners
    ax.plot(x, 0.5 + 0.0 * x, label="and one across the middle")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.legend(loc="upper left")
    note = ax.text(0.99, 0.01, "options the figure assumes\nsecond line", transform=ax.transAxes, ha="right",
                   va="bottom", fontsize=6, gid=NOTE_GID)
    place_notes(fig)
    assert (note.get_ha(), note.get_va()) == ("right", "top")  # the one corner left: upper right
    renderer = fig.canvas.get_renderer()
    box = note.get_window_extent(renderer)
    assert not box.overlaps(ax.get_legend().get_window_extent(renderer))
    for line in ax.get_lines():  # no vertex of either curve under the note
        xy = line.get_transform().transform(line.get_xydata())
        assert not np.any((xy[:, 0] >= box.x0) & (xy[:, 0] <= box.x1) & (xy[:, 1] >= box.y0) & (xy[:, 1] <= box.y1))
    plt.close(fig)


def test_a_wide_note_moves_the_legend_when_every_corner_meets_it():
    from isacopt.sweep.note_placement import NOTE_GID, place_notes

    fig, ax = plt.subplots(figsize=(4, 3))
    x = np.linspace(0, 1, 50)
    for k in range(6):  # a tall legend in the middle of the right side
        ax.plot(x, 0.45 + 0.02 * k + 0.0 * x, label=f"a curve with a long legend entry {k}")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.legend(loc="center right", fontsize=6)
    note = ax.text(0.99, 0.01, "a note almost as wide as the panel itself, one\nsecond line\nthird\nfourth\nfifth",
                   transform=ax.transAxes, ha="right", va="bottom", fontsize=9, gid=NOTE_GID)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    assert note.get_window_extent(renderer).overlaps(ax.get_legend().get_window_extent(renderer))  # as drawn
    place_notes(fig)
    fig.canvas.draw()
    assert not note.get_window_extent(renderer).overlaps(ax.get_legend().get_window_extent(renderer))
    plt.close(fig)
