"""Problem files (YAML) <-> objects.

A problem file holds a snapshot: ``name``, ``description``, ``system``,
``channels`` and either the explicit lists ``base_stations`` / ``users`` /
``targets`` (with an optional ``window``) or a ``layout`` that generates them.
Files are read with YAML safe loading (no code execution) and a size limit;
explicit channel files are ``.npz`` read without pickle.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import yaml
from pydantic import Field, PrivateAttr, model_validator

from ._model import FrozenModel
from .errors import ValidationError
from .network.channel_spec import ChannelSpec, ExplicitChannels, LosChannels
from .network.layouts import LayoutSpec
from .network.model import Network
from .network.nodes import BaseStation, Eavesdropper, Target, User, Window
from .network.system import SystemParams
from .problems import ProblemSpec
from .yaml_files import read_yaml

MAX_NPZ_BYTES = 2 * 1024**3



class ProblemFile(FrozenModel):
    """The schema of a problem file (keys and units as in the model)."""

    name: str = Field("network", max_length=200)
    description: str = Field("", max_length=10_000)
    system: SystemParams = SystemParams()
    channels: ChannelSpec = LosChannels()
    base_stations: tuple[BaseStation, ...] | None = None
    users: tuple[User, ...] = ()
    targets: tuple[Target, ...] = ()
    eavesdroppers: tuple[Eavesdropper, ...] = ()  # with a layout too: placed by hand in the drawn network
    window: Window | None = None
    layout: LayoutSpec | None = None
    problem: ProblemSpec | None = None

    @model_validator(mode="after")
    def _one_source(self) -> "ProblemFile":
        if self.layout is not None and (self.base_stations or self.users or self.targets or self.window):
            raise ValueError("give either 'layout' or the lists base_stations/users/targets/window, not both")
        if self.problem is not None and getattr(self.problem, "serving", None) is not None and self.layout is None:
            users = {u.id for u in self.users}
            bss = {b.id for b in self.base_stations or ()}
            bad = [f"problem.serving: unknown user {u!r}" for u in self.problem.serving if u not in users]
            bad += [f"problem.serving[{u!r}]: unknown base station {b!r}" for u, b in self.problem.serving.items()
                    if b not in bss]
            if bad:
                raise ValueError("\n  ".join(bad))
        if self.layout is None and not self.base_stations:
            raise ValueError("base_stations: at least one base station is needed (or give a 'layout')")
        return self

    _source: str | None = PrivateAttr(None)  # the file it was read from, named in the network's errors

    def network(self) -> Network:
        """The network of the file: its node lists, or its layout drawn with the layout's seed."""
        try:
            if self.layout is not None:
                net = self.layout.generate(name=self.name, description=self.description, system=self.system,
                                           channels=self.channels)
                return net.with_updates(eavesdroppers=self.eavesdroppers) if self.eavesdroppers else net
            return Network(name=self.name, description=self.description, system=self.system,
                           channels=self.channels, base_stations=self.base_stations, users=self.users,
                           targets=self.targets, eavesdroppers=self.eavesdroppers, window=self.window)
        except ValidationError as err:
            if self._source is None or err.source == self._source:
                raise
            raise type(err)(err.problems, source=self._source) from None


def load_channel_file(path: Path, *, relative_name: str, crosslink: str = "los") -> ExplicitChannels:
    """Read an explicit-channel ``.npz`` (keys ``comm``, optionally ``crosslink`` and ``eve``) without pickle."""
    if not path.is_file():
        raise ValidationError([("channels.file", f"{str(path)!r} does not exist")])
    if path.stat().st_size > MAX_NPZ_BYTES:
        raise ValidationError([("channels.file", f"{path} is larger than 2 GiB")])
    try:
        with np.load(path, allow_pickle=False) as npz:
            keys = set(npz.files)
            unknown = keys - {"comm", "crosslink", "eve"}
            if unknown or "comm" not in keys:
                raise ValidationError([("channels.file", f"{path} must hold 'comm' (and optionally 'crosslink' "
                                        f"and 'eve'); found keys {sorted(keys)}")])
            comm = npz["comm"]
            cross = npz["crosslink"] if "crosslink" in keys else None
            eve = npz["eve"] if "eve" in keys else None
    except (ValueError, OSError) as err:
        if isinstance(err, ValidationError):
            raise
        raise ValidationError([("channels.file", f"{path} is not a readable .npz without pickled objects: {err}")]) from None
    return ExplicitChannels.from_arrays(comm, cross, file=relative_name, crosslink=crosslink,  # type: ignore[arg-type]
                                        eve=eve)


def parse_problem(data: dict[str, Any], *, base_dir: Path | None = None, source: str | None = None) -> ProblemFile:
    """Validate a problem mapping; explicit channel files resolve relative to ``base_dir``."""
    try:
        spec = ProblemFile.model_validate(data)
    except ValidationError as err:
        raise ValidationError(err.problems, source=source) from None
    if spec.channels.model == "explicit" and spec.channels.file is not None:
        path = Path(spec.channels.file)
        if not path.is_absolute() and base_dir is not None:
            path = base_dir / path
        loaded = load_channel_file(path, relative_name=spec.channels.file, crosslink=spec.channels.crosslink)
        spec = spec.model_copy(update={"channels": loaded})
    spec._source = source
    return spec


def load_problem(path: str | Path) -> ProblemFile:
    """Read and validate a problem file."""
    p = Path(path)
    return parse_problem(read_yaml(p), base_dir=p.parent, source=str(p))


def load_network(path: str | Path) -> Network:
    """The network snapshot of a problem file (a layout is generated with its seed)."""
    return load_problem(path).network()  # its errors name the file


def network_to_dict(network: Network) -> dict[str, Any]:
    """A plain mapping of the snapshot, the layout expanded into explicit lists."""
    return network.model_dump(mode="json", exclude_none=True)


def save_network(network: Network, path: str | Path) -> Path:
    """Write ``network`` as a problem file; explicit channel arrays go to ``<stem>.channels.npz`` beside it."""
    p = Path(path)
    data = network_to_dict(network)
    spec = network.channels
    if spec.model == "explicit" and spec.comm is not None:
        npz = p.with_name(p.stem + ".channels.npz")
        arrays = {"comm": np.asarray(spec.comm)}
        if spec.crosslink_array is not None:
            arrays["crosslink"] = np.asarray(spec.crosslink_array)
        if spec.eve is not None:
            arrays["eve"] = np.asarray(spec.eve)
        np.savez(npz, **arrays)
        data["channels"]["file"] = npz.name
    p.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return p
