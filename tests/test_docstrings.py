"""Every public function, class, method and property of the documented API has a docstring.

The API reference (docs/reference/) is generated from these docstrings; an undocumented public
name would be a hole in it. Public = listed in a module's ``__all__`` (or, for a module without
one, defined in it without a leading underscore), and the public methods of those classes.
"""

import importlib
import inspect

import pytest

MODULES = ["isacopt", "isacopt.metrics", "isacopt.channels", "isacopt.network", "isacopt.cooperative",
           "isacopt.selection", "isacopt.sweep", "isacopt.studies", "isacopt.baselines", "isacopt.evaluate",
           "isacopt.io", "isacopt.plots", "isacopt.units", "isacopt.errors", "isacopt.results", "isacopt.design",
           "isacopt.solve.planner", "isacopt.association"]
PYDANTIC = {"model_config", "model_fields", "model_computed_fields"}


def public(module):
    names = getattr(module, "__all__", None)
    if names is None:
        names = [n for n, o in vars(module).items() if not n.startswith("_")
                 and getattr(o, "__module__", None) == module.__name__]
    return [(n, getattr(module, n)) for n in names if inspect.isclass(getattr(module, n))
            or inspect.isfunction(getattr(module, n))]


def members(cls):
    for name, value in vars(cls).items():
        if name.startswith("_") or name in PYDANTIC:
            continue
        func = value.fget if isinstance(value, property) else getattr(value, "__func__", value)
        if inspect.isfunction(func):
            yield name, func


def undocumented(module_name):
    module = importlib.import_module(module_name)
    missing = [] if inspect.getdoc(module) else [module_name]
    for name, obj in public(module):
        if not inspect.getdoc(obj):
            missing.append(f"{module_name}.{name}")
        if inspect.isclass(obj):
            missing += [f"{module_name}.{name}.{m}" for m, f in members(obj) if not f.__doc__]
    return missing


@pytest.mark.parametrize("module_name", MODULES)
def test_public_api_is_documented(module_name):
    assert undocumented(module_name) == []
