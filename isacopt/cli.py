"""The ``isacopt`` command. It calls only the public API.

Exit codes: 0 success, 3 infeasible (the solution JSON is still written),
2 bad input (a message naming the field, no traceback), 1 internal or solver failure,
130 interrupted (Ctrl-C; a sweep says how many snapshots are stored and resumes when rerun).
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import Optional

import typer

from . import catalogue
from .errors import ValidationError
from .signals import sigint_deferred, sigterm_as_interrupt
from .io import load_network, load_problem
from .yaml_files import read_yaml
from .summary import count_noun

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False, rich_markup_mode=None,
                  help="Convex optimisation for cooperative ISAC networks.")

def _version(show: bool) -> None:
    if show:
        from importlib.metadata import version

        from ._version import __version__

        deps = ", ".join(f"{name} {version(name)}" for name in ("cvxpy", "clarabel", "numpy", "scipy", "pydantic"))
        typer.echo(f"isacopt {__version__} ({deps})")
        raise typer.Exit()


@app.callback()
def _main(show_version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                            help="print the versions of isacopt and its solvers, then exit")) -> None:
    """Convex optimisation for cooperative ISAC networks."""


def resolve(name_or_path: str) -> Path:
    """A path as given, or the name of a problem of the catalogue (./problems, then the packaged one)."""
    return catalogue.find(name_or_path, "problem")


def _fail(err: ValidationError, path: Path | None = None) -> None:
    if path is not None and err.source is None:  # a check after reading (the problem against the network)
        err = type(err)(err.problems, source=str(path))
    typer.echo(f"error: {err}", err=True)
    raise typer.Exit(2)


@app.command("list")
def list_problems() -> None:
    """List the problems and sweeps of the catalogue (packaged, plus a ./problems folder) with their
    descriptions."""
    problems, sweeps = catalogue.entries("problem"), catalogue.entries("sweep")
    allocations = catalogue.entries("allocation")
    for f in problems.values():
        _describe(f)
    if sweeps:
        typer.echo("\nsweeps (run with 'isacopt sweep NAME --out DIR'):")
    for f in sweeps.values():
        _describe(f)
    if allocations:
        typer.echo("\nallocations (run with 'isacopt allocate NAME --out DIR'):")
    for f in allocations.values():
        _describe(f)
    scenarios = catalogue.entries("tracking")
    if scenarios:
        typer.echo("\ntracking scenarios (run with 'isacopt track NAME --plot OUT.png'):")
    for f in scenarios.values():
        _describe(f)


def _describe(f: Path) -> None:
    try:
        data = read_yaml(f)
        desc = " ".join(str(data.get("description", "")).split())
    except ValidationError as err:
        desc = f"(unreadable: {err.problems[0][1]})"
    typer.echo(f"{f.stem:28s} {desc[:90]}{'...' if len(desc) > 90 else ''}")


@app.command()
def show(file: str = typer.Argument(..., metavar="FILE", help="problem file, or a name from 'isacopt list'"),
         plot: Optional[Path] = typer.Option(None, "--plot", help="write a map of the network to this PNG")) -> None:
    """Print a readable summary of a problem's network (and draw its map)."""
    from .summary import network_summary

    try:
        net = load_network(resolve(file))
    except ValidationError as err:
        _fail(err)
    typer.echo(network_summary(net))
    if plot is not None:
        from .plots import save_network_map

        save_network_map(net, plot)
        typer.echo(f"map written to {plot}")


@app.command()
def validate(file: str = typer.Argument(..., metavar="FILE", help="problem or sweep file, a name from 'isacopt list', or a "
                                                   "directory (every .yaml file in it)")) -> None:
    """Check problem or sweep files and report every problem in them at once, including what solving would
    refuse before it starts (exit code 2 if any file has a problem)."""
    target = Path(file)
    if target.is_dir():
        files = sorted([*target.glob("*.yaml"), *target.glob("*.yml")])
        if not files:
            _fail(ValidationError([("DIR", f"{file!r} holds no .yaml files")]))
        bad = 0
        for f in files:
            try:
                typer.echo(_validate_one(f, str(f)))
            except ValidationError as err:
                bad += 1
                typer.echo(f"error: {err if err.source else type(err)(err.problems, source=str(f))}", err=True)
        typer.echo(f"{count_noun(len(files) - bad, 'file')} valid, {bad} with problems")
        raise typer.Exit(2 if bad else 0)
    path = None
    try:
        try:
            path = resolve(file)
        except ValidationError as not_problem:
            try:
                path = resolve_sweep(file)
            except ValidationError:
                try:
                    path = catalogue.find(file, "tracking")
                except ValidationError:
                    raise not_problem from None
        typer.echo(_validate_one(path, file))
    except ValidationError as err:
        _fail(err, path)


def _validate_one(path: Path, label: str) -> str:
    """One line for a valid file; ValidationError otherwise (a problem file's problem is checked against its
    network as solve would, a sweep's every grid point posed)."""
    data = read_yaml(path)
    if "movers" in data:  # a tracking scenario
        from .tracking import load_scenario

        sc = load_scenario(path)
        first = sc.network([m.position_m for m in sc.users], [m.position_m for m in sc.targets])
        try:
            sc.problem.check(first)
        except ValidationError as err:
            raise type(err)(err.problems, source=str(path)) from None
        return (f"{label}: valid tracking scenario ({count_noun(len(sc.base_stations), 'BS')}, "
                f"{count_noun(len(sc.users), 'moving user')}, {count_noun(len(sc.targets), 'moving target')}, "
                f"{count_noun(sc.tracking.frames, 'frame')})")
    if "designs" in data:  # a sweep file
        from .sweep import build_tasks, load_sweep

        sweep_spec = load_sweep(path)
        return (f"{label}: valid sweep ({count_noun(len(sweep_spec.points()), 'grid point')}, "
                f"{count_noun(len(sweep_spec.designs), 'design')}, "
                f"{count_noun(len(build_tasks(sweep_spec)), 'snapshot solve')})")
    spec = load_problem(path)
    net = spec.network()
    if spec.problem is not None:
        try:
            spec.problem.check(net)  # what solve checks before solving
        except ValidationError as err:
            raise type(err)(err.problems, source=str(path)) from None
    return (f"{label}: valid ({count_noun(net.n_bs, 'BS')}, {count_noun(net.n_users, 'user')}, "
            f"{count_noun(net.n_targets, 'target')})")


EXIT = {"optimal": 0, "optimal_reduced_accuracy": 0, "local_optimum": 0, "closed_form": 0, "infeasible": 3, "solver_failure": 1, "time_limit": 1}


@app.command()
def solve(file: str = typer.Argument(..., metavar="FILE", help="problem file with a 'problem:' section, or a name from 'isacopt list'"),
          json_out: Optional[Path] = typer.Option(None, "--json", help="solution JSON [default: out/<name>.solution.json]"),
          npz: Optional[Path] = typer.Option(None, "--npz", help="also save the beamformers and covariances (.npz)"),
          plot: Optional[Path] = typer.Option(None, "--plot", help="draw the map with beampatterns to this PNG"),
          time_limit: Optional[float] = typer.Option(None, "--time-limit", min=0.001, help="solver time limit [s]"),
          quiet: bool = typer.Option(False, "--quiet", "-q", help="print only the status line")) -> None:
    """Solve a problem file, print a table and write the Solution JSON."""
    from .summary import solution_summary

    path = None
    try:
        path = resolve(file)
        spec = load_problem(path)
        if spec.problem is None:
            raise ValidationError([("problem", f"{path} has no 'problem:' section (kind, objective, ...); "
                                    "see docs/howto/problem-files.md")])
        net = spec.network()
        solution = spec.problem.solve(net, time_limit_s=time_limit)
    except ValidationError as err:
        _fail(err, path)
    out = json_out or Path("out") / f"{path.stem}.solution.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    solution.to_json(out)
    typer.echo(solution_summary(solution) if not quiet else f"status: {solution.status}")
    typer.echo(f"solution written to {out}")
    if npz is not None and solution.design is not None:
        solution.save_design(npz)
        typer.echo(f"design written to {npz}")
    if plot is not None:
        from .plots import save_solution_map

        save_solution_map(net, solution, plot)
        typer.echo(f"plot written to {plot}")
    raise typer.Exit(EXIT[solution.status])


@app.command()
def frontier(file: str = typer.Argument(..., metavar="FILE", help="problem file with a 'kind: cooperative_isac' problem"),
             points: int = typer.Option(8, "--points", min=1, max=200, help="epsilon values between the corners"),
             plot: Optional[Path] = typer.Option(None, "--plot", help="draw the trade-off to this PNG"),
             csv_out: Optional[Path] = typer.Option(None, "--csv", help="write every point to this CSV"),
             baseline: bool = typer.Option(True, help="also trace the non-cooperative baseline (L = Q = 1)"),
             waveform: Optional[str] = typer.Option(None, "--waveform", help="sensing_waveform instead of the "
                                                    "file's: orthogonal, unified, or both (two frontiers, one plot)"),
             angle_information: Optional[bool] = typer.Option(None, "--angle-information/--no-angle-information",
                                                               help="angle_information instead of the file's"),
             time_limit: Optional[float] = typer.Option(None, "--time-limit", min=0.001, help="per solve [s]")) -> None:
    """Trace the rate vs root-CRLB frontier, with time sharing and the non-cooperative baseline."""
    from .cooperative import CooperativeISAC, trace_frontier

    others = {}
    try:
        path = resolve(file)
        spec = load_problem(path)
        if not isinstance(spec.problem, CooperativeISAC):
            raise ValidationError([("problem.kind", f"{path} needs a 'kind: cooperative_isac' problem for a frontier")])
        if waveform not in (None, "orthogonal", "unified", "both"):
            raise ValidationError([("--waveform", f"must be orthogonal, unified or both, got {waveform!r}")])
        update = {} if angle_information is None else {"angle_information": angle_information}
        if waveform in ("orthogonal", "unified"):
            update["sensing_waveform"] = waveform
        problem = spec.problem.model_copy(update={**update, "sensing_waveform": "orthogonal"} if waveform == "both"
                                          else update)
        problem = CooperativeISAC.model_validate(problem.model_dump())
        front = trace_frontier(problem, spec.network(), points, baseline=baseline, time_limit_s=time_limit)
        if waveform == "both":
            other = CooperativeISAC.model_validate({**problem.model_dump(), "sensing_waveform": "unified"})
            others["unified waveforms"] = trace_frontier(other, spec.network(), points, baseline=False,
                                                         time_limit_s=time_limit)
    except ValidationError as err:
        _fail(err)
    typer.echo(f"CRLB model: {problem.crlb_model.describe()}")
    typer.echo(f"{'series':22} {'target':>8} {'status':>24} {'rate':>9} {'root CRLB':>10} {'time sharing':>12}")
    for p in front.all_points():
        target = "" if p.rate_target_bps_hz is None else f"{p.rate_target_bps_hz:.3f}"
        rate = "" if p.mean_rate_bps_hz is None else f"{p.mean_rate_bps_hz:.3f}"
        crlb = "" if p.mean_root_crlb_m is None else f"{p.mean_root_crlb_m:.3f}"
        ts = f"{front.time_sharing_crlb_at(p.mean_rate_bps_hz):.3f}" if p.usable else ""
        typer.echo(f"{p.series:22} {target:>8} {p.status:>24} {rate:>9} {crlb:>10} {ts:>12}")
    if front.baseline_note:
        typer.echo(front.baseline_note)
    typer.echo("frontier dominates time sharing: " + ("yes" if front.dominates_time_sharing() else "NO"))
    for name, other in others.items():
        typer.echo(f"{name}: " + "; ".join(f"{p.mean_rate_bps_hz:.3f} bit/s/Hz at {p.mean_root_crlb_m:.3f} m"
                                           for p in other.all_points() if p.usable)
                   + "; dominates time sharing: " + ("yes" if other.dominates_time_sharing() else "NO"))
    if csv_out is not None:
        front.to_csv(csv_out)
        typer.echo(f"points written to {csv_out}")
    if plot is not None:
        from .plots import frontier_plot

        label = f"{problem.sensing_waveform} waveforms" if others else "cooperative ISAC"
        model = problem.crlb_model.describe().replace(", sensing_waveform=" + problem.sensing_waveform, "") \
            if others else problem.crlb_model.describe()
        frontier_plot(front, plot, title=spec.name, label=label, others=others, model=model)
        typer.echo(f"plot written to {plot}")


def resolve_sweep(name_or_path: str) -> Path:
    """A path as given, or the name of a sweep of the catalogue."""
    return catalogue.find(name_or_path, "sweep")


@app.command()
def sweep(file: str = typer.Argument(..., metavar="FILE", help="sweep file, or a sweep name from 'isacopt list'"),
          out: Path = typer.Option(..., "--out", help="result directory (created; rerun the same command to resume)"),
          workers: Optional[int] = typer.Option(None, "--workers", min=1, help="worker processes [default: all cores]"),
          dask: Optional[str] = typer.Option(None, "--dask", help="'local' (a LocalCluster) or a scheduler address"),
          quick: bool = typer.Option(False, "--quick", help="the file's quick size (minutes on 2 cores)"),
          progress: bool = typer.Option(True, help="show a progress bar")) -> None:
    """Run a Monte Carlo sweep; every finished snapshot is stored at once in OUT/results.sqlite."""
    def before_start() -> None:  # the store may exist already (a rerun)
        _interrupted(f"interrupted before the sweep started: {_stored_rows(out)} snapshots stored in all; "
                     "rerun the same command to resume")

    try:
        # the sweep package imports numpy, cvxpy, matplotlib, dask: a Ctrl-C inside a C extension's
        # initialisation would surface as ImportError, or leave it half-made for the interpreter's shutdown
        with sigint_deferred():
            from .sweep import load_sweep, run_sweep
            from .sweep.interrupt import SweepInterrupted
    except KeyboardInterrupt:
        before_start()
    try:
        spec = load_sweep(resolve_sweep(file), quick=quick)
        with sigterm_as_interrupt():  # kill or a scheduler's stop: the workers stopped, the rows kept
            run = run_sweep(spec, out, workers=workers, dask=dask, progress=progress, quick=quick)
    except ValidationError as err:
        _fail(err)
    except SweepInterrupted as stop:
        _interrupted(str(stop))
    except KeyboardInterrupt:  # before the workers started
        before_start()
    typer.echo(run.summary())
    typer.echo(f"results in {out}; summarise with 'isacopt report {out}'")


@app.command()
def allocate(file: str = typer.Argument(..., metavar="FILE", help="allocation file, or a name from 'isacopt list'"),
             out: Path = typer.Option(..., "--out", help="result directory (tuples.csv, choices.csv, regions.png)"),
             method: Optional[str] = typer.Option(None, "--method", help="analysis, montecarlo, both, or "
                                                  "confirm (analysis, then Monte Carlo of its picks) [default: the file's]"),
             workers: Optional[int] = typer.Option(None, "--workers", min=1, help="worker processes [default: all cores]"),
             quick: bool = typer.Option(False, "--quick", help="the file's quick size"),
             progress: bool = typer.Option(True, help="show a progress bar")) -> None:
    """Choose the users served K, targets probed M and clusters L, Q per Nt, service level and weight w
    (SPEC.md section 10): every tuple on the same snapshots and/or by stochastic geometry."""
    from .allocation import allocate as run_allocation, load_allocation, write
    from .allocation.report import summary_lines

    try:
        spec = load_allocation(catalogue.find(file, "allocation"), quick=quick)
        if method is not None and method not in ("analysis", "montecarlo", "both", "confirm"):
            raise ValidationError([("--method", f"must be analysis, montecarlo, both or confirm, got {method!r}")])
        bar = _progress_bar(spec.snapshots, "snapshots") if progress and (method or spec.method) != "analysis" else None
        result = run_allocation(spec, method=method, workers=workers, progress=bar.update_to if bar else None)
        if bar:
            bar.close()
    except ValidationError as err:
        _fail(err)
    paths = write(result, out)
    typer.echo("\n".join(summary_lines(result)))
    typer.echo("written: " + ", ".join(str(p) for p in paths))


@app.command()
def track(file: str = typer.Argument(..., metavar="FILE", help="tracking scenario, or a name from 'isacopt list'"),
          frames: Optional[int] = typer.Option(None, "--frames", min=1, max=100_000, help="frames [default: the file's]"),
          plot: Optional[Path] = typer.Option(None, "--plot", help="map, rates and root CRLB over time (PNG)"),
          csv_out: Optional[Path] = typer.Option(None, "--csv", help="one row per frame and node"),
          json_out: Optional[Path] = typer.Option(None, "--json", help="the run's summary (JSON)"),
          progress: bool = typer.Option(True, help="show a progress bar")) -> None:
    """Move users and targets frame by frame: design the beams from the tracked positions, measure the
    echoes, update the Kalman filters; compare with perfect CSI and beam training."""
    import json

    from .tracking import load_scenario, run_tracking
    from .tracking.records import frames_csv

    try:
        scenario = load_scenario(catalogue.find(file, "tracking"))
        n = frames or scenario.tracking.frames
        bar = _progress_bar(n, "frames") if progress else None
        run = run_tracking(scenario, n, progress=bar.update_to if bar else None)
        if bar:
            bar.close()
    except ValidationError as err:
        _fail(err)
    summary = run.summary()
    for key, value in summary.items():
        typer.echo(f"{key:28s} {value:.4g}" if isinstance(value, float) else f"{key:28s} {value}")
    if plot is not None:
        from .tracking.plot import save_tracking_figure

        typer.echo(f"plot written to {save_tracking_figure(run, plot)}")
    if csv_out is not None:
        csv_out.parent.mkdir(parents=True, exist_ok=True)
        csv_out.write_text(frames_csv(run), encoding="utf-8")
        typer.echo(f"frames written to {csv_out}")
    if json_out is not None:
        json_out.parent.mkdir(parents=True, exist_ok=True)
        json_out.write_text(json.dumps({"scenario": scenario.name, "options": scenario.tracking.model_dump(),
                                        "summary": summary}, indent=2), encoding="utf-8")
        typer.echo(f"summary written to {json_out}")


def _progress_bar(total: int, unit: str):
    from tqdm import tqdm

    class Bar(tqdm):
        def update_to(self, done: int, _total: int) -> None:
            self.update(done - self.n)

    return Bar(total=total, unit=unit, leave=False)


_INTERRUPT_SAID = False  # a command printed its own line about a Ctrl-C


def _interrupted(message: str) -> None:
    global _INTERRUPT_SAID
    _INTERRUPT_SAID = True
    typer.echo(message, err=True)
    raise typer.Exit(130)


def _stored_rows(out: Path) -> int:
    from .sweep import ResultStore

    try:
        with ResultStore(out) as store:
            return store.count()
    except Exception:  # noqa: BLE001 - no store yet (or unreadable): nothing stored
        return 0


@app.command()
def report(directory: Path = typer.Argument(..., metavar="DIR", help="result directory of 'isacopt sweep'"),
           plot: Optional[Path] = typer.Option(None, "--plot", help="draw the sweep's figures to this PNG"),
           csv_out: Optional[Path] = typer.Option(None, "--csv", help="write the per-point table to this CSV"),
           metrics: str = typer.Option("comm_ase,sensing_ase,mean_rate,mean_root_crlb,crlb_coverage", "--metrics",
                                       help="comma-separated metrics to print")) -> None:
    """Per-point means with 95 % confidence intervals of a sweep; plots and CSV."""
    from .sweep import ResultStore, report_figure, summarise
    from .sweep.metrics import METRICS
    from .sweep.report_text import report_lines

    try:
        names = [m.strip() for m in metrics.split(",") if m.strip()]
        unknown = [m for m in names if m not in METRICS]
        if unknown:
            raise ValidationError([("--metrics", f"unknown {unknown}; known: {sorted(METRICS)}")])
        with ResultStore(directory) as store:
            spec = store.spec()
            table = summarise(store)
            quick = store.quick()
    except ValidationError as err:
        _fail(err)
    keys = [k for k in spec.grid if k in table.columns]
    typer.echo("\n".join(report_lines(table, keys, names, width=shutil.get_terminal_size((100, 24)).columns)))
    typer.echo(_exclusions(table, spec.max_gap))
    if csv_out is not None:
        table.to_csv(csv_out, index=False)
        typer.echo(f"table written to {csv_out}")
    if plot is not None:
        report_figure(spec, table, plot, quick=quick)
        typer.echo(f"plot written to {plot}")


def _exclusions(table, max_gap: float) -> str:
    """One line: how many snapshots the averages leave out, by reason."""
    import json
    from collections import Counter

    total: Counter = Counter()
    for text in table["excluded"]:
        total.update(json.loads(text))
    if not total:
        return "every stored snapshot enters the averages"
    parts = [f"{n} {why}" for why, n in sorted(total.items())]
    note = (f" (gap_exceeded: a feasible design farther than max_gap = {max_gap:g} from its bound, not certified "
            "optimal)" if "gap_exceeded" in total else "")
    return f"left out of the averages: {', '.join(parts)}{note}"


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    """Warnings as one line 'warning: ...' (no source path and code line: those are isacopt's, not the user's)."""
    typer.echo(f"warning: {message}", err=True)


def main() -> None:
    """Entry point: bad input exits 2 without a traceback, an internal failure exits 1."""
    import warnings

    warnings.showwarning = _show_warning
    resume = "; rerun the same command to resume" if "sweep" in sys.argv[1:] else ""
    try:
        app()
    except SystemExit as done:  # typer turns a Ctrl-C it catches itself (while parsing, say) into a silent 130
        if done.code == 130 and not _INTERRUPT_SAID:
            typer.echo(f"interrupted{resume}", err=True)
        raise
    except ValidationError as err:  # raised outside a command's own handling
        typer.echo(f"error: {err}", err=True)
        sys.exit(2)
    except KeyboardInterrupt:  # Ctrl-C outside a sweep's own handling (it reports its counts): no traceback
        typer.echo(f"interrupted{resume}", err=True)  # (a sweep's Ctrl-C can land before its handling starts)
        sys.exit(130)
    except Exception as err:  # noqa: BLE001 - the promised exit code 1, with the cause on one line
        typer.echo(f"internal error: {type(err).__name__}: {err}", err=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
