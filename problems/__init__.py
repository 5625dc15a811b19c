"""The problem catalogue, shipped as package data (``isacopt.problem_files``): see isacopt/catalogue.py."""
