""""Certified" means feasible within tolerance *and* within the stated optimality gap of the bound: a
feasible design far from its bound (an inaccurate solve) is counted apart and left out of the averages."""

import shutil

import pytest
from typer.testing import CliRunner

import isacopt as iso
from isacopt.cli import app
from isacopt.sweep import ResultStore, summarise
from isacopt.sweep.report import standing


def _row(status, objective, bound, **extra):
    return {"status": status, "objective": objective, "bound": bound, **extra}


@pytest.mark.parametrize("row,expected", [
    (_row("optimal", 1.0000005, 1.0), "ok"),
    (_row("optimal_reduced_accuracy", 4.53e6, 1.65e6), "gap_exceeded"),   # the Fig. 4 row: 2.75x its bound
    (_row("optimal", 1.01, 1.0), "gap_exceeded"),
    (_row("optimal", None, None, gap=0.01), "gap_exceeded"),  # an older row: its stored gap
    (_row("local_optimum", 3.0, 1.0), "ok"),                               # no optimality claim
    (_row("closed_form", None, None), "ok"),
    (_row("infeasible", None, None), "infeasible"),
    (_row("optimal", 2.0, None), "ok"),                                    # nothing to compare with
])
def test_standing_of_a_row(row, expected):
    assert standing(row, 1e-3) == expected


def test_a_row_far_from_its_bound_leaves_the_average_and_the_report_says_so(reference_dir, reference_rows, tmp_path):
    out = tmp_path / "copy"
    shutil.copytree(reference_dir, out)
    clean = summarise(out)
    # one optimal beampattern row made far from its bound, as an inaccurate solve leaves it
    victim = next(r for r in reference_rows if r["design"] == "beampattern" and r["status"] == "optimal")
    with ResultStore(out) as store:
        store._db.execute("UPDATE rows SET bound = objective * 0.5 WHERE key = ?", (victim["key"],))
        store._db.commit()
    table = summarise(out)
    hit = [i for i, r in table.iterrows() if r["design"] == "beampattern" and r["excluded"] != "{}"]
    assert len(hit) == 1 and '"gap_exceeded": 1' in table.loc[hit[0], "excluded"]
    assert table.loc[hit[0], "ok"] == clean.loc[hit[0], "ok"] - 1
    others = [m for m in clean["sensing_ase"].index if m != hit[0]]
    assert (table.loc[others, "sensing_ase"] == clean.loc[others, "sensing_ase"]).all()
    said = CliRunner().invoke(app, ["report", str(out)])
    assert said.exit_code == 0 and "left out of the averages: 1 gap_exceeded" in said.output
    assert "max_gap = 0.001" in said.output


def test_solution_certified_needs_the_gap():
    net = iso.load_network("problems/single-cell-teaching.yaml")
    sol = iso.CoordinatedBeamforming(objective="min_power", sinr_db=5).solve(net)
    assert sol.status == "optimal" and sol.certified()
    far = sol.model_copy(update={"certificate": sol.certificate.model_copy(update={"relaxation_gap": 1.75})})
    assert far.certificate.holds and not far.certified() and far.certified(max_gap=2.0)
    from isacopt.summary import solution_summary

    assert "NOT certified optimal" in solution_summary(far) and "NOT certified" not in solution_summary(sol)


def test_a_partly_certified_point_is_drawn_only_when_asked_and_as_the_mean_of_its_certified_rows(
        reference_dir, reference_rows, tmp_path):
    from isacopt.sweep.figures import _conditional_footer, drawable
    from isacopt.sweep.spec import PlotSpec

    out = tmp_path / "copy"
    shutil.copytree(reference_dir, out)
    victim = next(r for r in reference_rows if r["design"] == "zf")
    with ResultStore(out) as store:
        store._db.execute("UPDATE rows SET status = 'infeasible' WHERE key = ?", (victim["key"],))
        store._db.commit()
        spec = store.spec()
    table = summarise(out)
    hit = table[(table["design"] == "zf") & ~table["complete"]]
    assert len(hit) == 1
    n = spec.snapshots_of("zf")
    assert hit["certified_share"].iloc[0] == pytest.approx((n - 1) / n)
    same = [r for r in reference_rows if r["design"] == "zf" and r["point"] == victim["point"] and r is not victim]
    assert hit["comm_ase"].iloc[0] == pytest.approx(sum(r["comm_ase"] for r in same) / len(same))
    every = PlotSpec(kind="tradeoff", x="comm_ase", y="sensing_ase")
    assert hit.index[0] not in drawable(table, every).index
    share = PlotSpec(kind="tradeoff", x="comm_ase", y="sensing_ase", min_certified=(n - 1) / n)
    assert hit.index[0] in drawable(table, share).index
    assert len(drawable(table, share)) == len(table)
    strict = PlotSpec(kind="tradeoff", x="comm_ase", y="sensing_ase", min_certified=1 - 0.5 / n)
    assert hit.index[0] not in drawable(table, strict).index
    said = _conditional_footer(spec.model_copy(update={"report": [share]}), table)
    assert "1 averages" in said and "certified snapshots only" in said
