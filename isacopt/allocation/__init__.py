"""Network-level S&C resource allocation (SPEC.md section 10): choose the users served K, targets probed M
and nulling clusters L, Q common to all BSs to maximise a weighted network ASE, by Monte Carlo on common
random numbers and by stochastic-geometry analysis."""

from .run import AllocationResult, allocate, write
from .spec import AllocationFile, ServiceLevel, load_allocation

__all__ = ["AllocationFile", "AllocationResult", "ServiceLevel", "allocate", "load_allocation", "write"]
