"""Sensing-assisted communication over time: moving nodes, tracking from the network's own echoes,
predictive beamforming and re-clustering (``isacopt track``)."""

from .kalman import Track, cv_model, nees
from .motion import Mover, propagate
from .scenario import TrackingOptions, TrackingScenario, load_scenario
from .records import Frame, TrackRun
from .run import run_tracking
from .tracker import Tracker

__all__ = ["Frame", "Mover", "Track", "TrackRun", "Tracker", "TrackingOptions", "TrackingScenario", "cv_model",
           "load_scenario", "nees", "propagate", "run_tracking"]
