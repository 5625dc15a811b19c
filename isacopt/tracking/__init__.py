"""Sensing-assisted communication over time: moving nodes, tracking from the network's own echoes,
predictive beamforming and re-clustering (``isacopt track``)."""

from .kalman import Track, cv_model, nees
from .motion import Mover, propagate
from .scenario import TrackingOptions, TrackingScenario, load_scenario
from .run import TrackRun, run_tracking

__all__ = ["Mover", "Track", "TrackRun", "TrackingOptions", "TrackingScenario", "cv_model", "load_scenario",
           "nees", "propagate", "run_tracking"]
