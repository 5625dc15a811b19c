"""What an objective is, in one place: its name in problem files, its unit, its direction, what it needs
of the network, and what its number means to a reader. One subclass per file (the way cvxpy keeps one
atom per file); the registry in ``isacopt.objectives`` maps a family's problem-file names to them."""

from __future__ import annotations

from typing import Any, ClassVar, Literal


class Objective:
    """An objective of a problem family (class attributes only: objectives carry no state)."""

    name: ClassVar[str]
    unit: ClassVar[str]
    maximise: ClassVar[bool] = False
    needs: ClassVar[Literal["targets", "users", None]] = None  # what the network must have for it to mean anything
    crlb: ClassVar[bool] = False  # a position-CRLB objective: every target must be observable (two BSs)
    description: ClassVar[str] = ""  # what the number is, where the unit alone could mislead
    # how the family solves it: a bisection on a common level of feasibility problems (max-min SINR / rate)
    bisection: ClassVar[bool] = False
    # a bisection on a common sensing-SINR level of the targets (the users keep their SINR targets)
    sensing_level: ClassVar[bool] = False
    # solved by a local method (successive convex approximation): a local optimum, no optimality claim
    local: ClassVar[bool] = False
    # a ratio of rates to consumed power: Dinkelbach's method (isacopt.cooperative.energy)
    fractional: ClassVar[bool] = False
    # the users' SINR targets are hard constraints (not objective terms, not the objective itself)
    hard_sinr_targets: ClassVar[bool] = True
    # the users' SINR margins are terms of the objective (soft): the SINR constraints are not imposed as such
    sinr_in_objective: ClassVar[bool] = False
    # independent groups of BSs may be solved apart and their bounds combined (combine_bounds)
    decomposable: ClassVar[bool] = True
    # the bound of a part with nothing to optimise (no target, no served user), solved as min_power instead
    empty_part_bound: ClassVar[float | None] = None
    # coordinated beamforming: the objective needs the angle-CRB term (its epigraph variables)
    angle_crb: ClassVar[bool] = False
    # each BS's power budget is a constraint (not scaled by the objective, as a utilisation level scales it)
    power_budget: ClassVar[bool] = True
    # the users' SINR targets must be given: they normalise the objective's terms
    needs_sinr_targets: ClassVar[bool] = False
    # the subspace (dual) path's form: "min_power" (total power), "max_t" (a common level), "two_levels"
    # (two weighted levels), "angle_crb" (Schur complements as second-order cones), "position_crlb" (the
    # cooperative tr J^-1 as two such cones per target: cooperative.linear_form; "weighted_crlb" the same with
    # the targets' weights and a priced power; "max_crlb" the largest of the targets' sums), None: none
    linear_form: ClassVar[Literal["min_power", "max_t", "two_levels", "angle_crb", "position_crlb", "weighted_crlb",
                                  "max_crlb", None]] = None
    # the SOCP relaxation (beamformers, no sensing covariances) solves it
    socp: ClassVar[bool] = False
    # why an integer search (cluster selection, cell association) cannot use it: its bounds do not compare
    # across choices; None: it can
    search_refusal: ClassVar[str | None] = None

    @classmethod
    def empty_part(cls, n_targets: int, n_served: int) -> bool:
        """True when a part of the network has nothing this objective can optimise."""
        return (cls.needs == "targets" and n_targets == 0) or (cls.needs == "users" and n_served == 0)

    @classmethod
    def value(cls, opts, data, ev, design) -> float:
        """The objective of an extracted ``design`` in SI units, from its evaluation ``ev`` (metric functions,
        never solver values); ``opts`` are the problem's options, ``data`` its snapshot data."""
        raise NotImplementedError(f"{cls.__name__}.value: every concrete objective defines its value")

    @classmethod
    def expression(cls, compiled) -> tuple[Any, list]:
        """The cvxpy objective on a compiled relaxation's variables and terms, with any constraints it
        adds (epigraph levels); ``compiled`` is the family's compiled problem (duck-typed: no import up)."""
        # a bisection's or a local method's objective never compiles: its steps are other objectives
        raise TypeError(f"{cls.__name__} is solved through sub-problems (bisection or successive convex "
                        "approximation); it has no relaxation of its own")

    @classmethod
    def update(cls, compiled, data) -> None:
        """Assign the objective's own Parameters from a snapshot (most objectives have none)."""

    @classmethod
    def rescaled(cls, compiled) -> bool:
        """After a solve: put the relaxation's level in a unit where Clarabel's absolute tolerances are small
        against it, when it is not; True when it did (the caller solves again). Most objectives need not."""
        return False

    @classmethod
    def bound_si(cls, compiled, data, value: float) -> float | None:
        """The relaxation's optimal ``value`` (solver units) in the objective's SI unit; None when the
        relaxation's value bounds nothing the user asked for (a sub-problem's)."""
        return float(value)

    @classmethod
    def combine_bounds(cls, opts, bounds: list[float | None]) -> float | None:
        """The whole problem's bound from independent components' bounds (None if any is unknown); the
        worst component decides a max-min objective, and that is the default."""
        if any(b is None for b in bounds):
            return None
        return float(min(bounds))  # type: ignore[type-var]

    @classmethod
    def better(cls, a: float, b: float) -> bool:
        """True when value ``a`` is strictly better than ``b`` for this objective."""
        return a > b if cls.maximise else a < b

    @classmethod
    def sign(cls) -> float:
        """+1 for a minimised objective, -1 for a maximised one (searches minimise sign * value)."""
        return -1.0 if cls.maximise else 1.0
