"""A max-min-rate step whose relaxed design meets its rows only to Clarabel's reduced accuracy (root-CRLB limits
at 1e-5 to 1e-2 of their caps, seen where they bind and the solve ends AlmostSolved) is scaled up within the
budget left before the certificate judges it: the level then counts as reachable instead of left open."""

from dataclasses import replace

import numpy as np

import isacopt.cooperative.rate_steps as rate_steps
from isacopt.cooperative import CooperativeISAC
from tests.cooperative.test_fast_path_equals_sdp import instance


def _levels(net, extra, violation: float, monkeypatch):
    real, seen = rate_steps.certified_solve, []

    def short(*args, **kw):  # the real step's answer, its rows reported short by ``violation``
        res = real(*args, **kw)
        seen.append(res)
        return replace(res, violation=violation)

    monkeypatch.setattr(rate_steps, "certified_solve", short)
    opts = CooperativeISAC(objective="max_min_rate", **extra)
    data, assoc = opts.prepare(net)
    levels = rate_steps.SubspaceLevels(opts, data, assoc, 0, None, 0.0, [])
    return levels, seen


def test_a_step_short_by_reduced_accuracy_is_scaled_up_and_certified(monkeypatch):
    net, extra = instance(64)
    extra = {k: v for k, v in extra.items() if k != "objective"}
    net = net.with_updates(users=[u.model_copy(update={"sinr_db": None}) for u in net.users])
    plain, _ = _levels(net, extra, 0.0, monkeypatch)
    assert plain(-10.0) is True
    levels, seen = _levels(net, extra, 1e-3, monkeypatch)
    assert levels(-10.0) is True  # a low level: alpha well below 1, room to scale
    assert -seen[0].value < 0.99
    ratio = levels.kept["found"][0].power_w.sum() / plain.kept["found"][0].power_w.sum()
    assert abs(ratio - (1 + 2e-3)) < 1e-6  # every covariance scaled by 1 + 2 x the violation
    # beyond what a scaling can repair: left open, as before
    levels, _ = _levels(net, extra, 2e-2, monkeypatch)
    assert levels(-10.0) is None
