"""Solver calls with a fallback chain, rank-one extraction, certificates, infeasibility analysis."""
