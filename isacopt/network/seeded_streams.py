"""Many seeded generators at once, bit for bit ``np.random.default_rng([seed, *key])``.

A large snapshot makes one generator per Rayleigh cross-link (hundreds): ``default_rng`` hashes each key
through ``SeedSequence`` and seeds a PCG64 (about 18 us each). Both steps are fixed integer arithmetic
(NEP 19's SeedSequence: 32-bit hashmix over a pool of four words; PCG64's ``srandom``: two 128-bit LCG
steps), so the seed words of every key are computed here in one vectorised pass and PCG64 seeds itself
from them (``_Words``), skipping the hash. Keys whose words do not fit the vectorised form (any value of 2**32 or more)
take ``default_rng``; ``tests/unit/test_seeded_streams.py`` checks the draws against it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.random.bit_generator import ISeedSequence

_INIT_A, _MULT_A = np.uint32(0x43B0D7E5), np.uint32(0x931E8875)
_INIT_B, _MULT_B = np.uint32(0x8B51F9DD), np.uint32(0x58F38DED)
_MIX_L, _MIX_R = np.uint32(0xCA01F9DD), np.uint32(0x4973F715)
_POOL = 4
BATCH_MIN = 16  # fewer keys of a length are made one by one (measured: the two cost the same at 12-14)


def _hashmix(value: np.ndarray, const: list[np.uint32]) -> np.ndarray:
    value = value ^ const[0]
    const[0] = np.uint32(const[0] * _MULT_A)
    value = value * const[0]
    return value ^ (value >> np.uint32(16))


def _mix(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    r = _MIX_L * x - _MIX_R * y
    return r ^ (r >> np.uint32(16))


def _pools(words: np.ndarray) -> np.ndarray:
    """SeedSequence's pool (n, 4) of n entropy arrays (n, w) of 32-bit words (``mix_entropy``)."""
    const = [_INIT_A]
    n, w = words.shape
    pool = [_hashmix(words[:, i] if i < w else np.zeros(n, np.uint32), const) for i in range(_POOL)]
    for src in range(_POOL):
        for dst in range(_POOL):
            if src != dst:
                pool[dst] = _mix(pool[dst], _hashmix(pool[src], const))
    for src in range(_POOL, w):
        for dst in range(_POOL):
            pool[dst] = _mix(pool[dst], _hashmix(words[:, src], const))
    return np.stack(pool, axis=1)


def _state_words(pool: np.ndarray) -> np.ndarray:
    """``generate_state(4, np.uint64)`` of each pool: (n, 4) uint64."""
    const = _INIT_B
    out = np.empty((len(pool), 8), np.uint32)
    for i in range(8):
        v = pool[:, i % _POOL] ^ const
        const = np.uint32(const * _MULT_B)
        v = v * const
        out[:, i] = v ^ (v >> np.uint32(16))
    return out.view(np.uint64)


class _Words(ISeedSequence):
    """A seed sequence whose ``generate_state`` is already known (PCG64 asks for 4 uint64 words once)."""

    def __init__(self, words: np.ndarray) -> None:
        self.words = words

    def generate_state(self, n_words: int, dtype=np.uint32) -> np.ndarray:
        if n_words != 4 or np.dtype(dtype) != np.uint64:  # only what PCG64 asks for was computed
            raise ValueError("precomputed words serve PCG64 only")
        return self.words


def generators(keys: Sequence[Sequence[int]]) -> list[np.random.Generator]:
    """``[np.random.default_rng(list(k)) for k in keys]``: the same streams, their seeds hashed in one pass per
    key length."""
    out: list[np.random.Generator | None] = [None] * len(keys)
    by_length: dict[int, list[int]] = {}
    for i, key in enumerate(keys):
        by_length.setdefault(len(key), []).append(i)
    for idx in by_length.values():
        if len(idx) < BATCH_MIN:  # the vectorised hash's fixed cost (~0.2 ms) is 12-14 default_rng's
            for i in idx:
                out[i] = np.random.default_rng(list(keys[i]))
            continue
        try:
            words = np.array([keys[i] for i in idx], dtype=np.int64).reshape(len(idx), -1)
        except OverflowError:  # a value of 2**63 or more
            words = None
        if words is None or words.size and (words.min() < 0 or words.max() >= 2**32):
            for i in idx:  # a multi-word value: numpy's own path (and its own error for a negative one)
                out[i] = np.random.default_rng(list(keys[i]))
            continue
        with np.errstate(over="ignore"):
            states = _state_words(_pools(words.astype(np.uint32)))
        for i, w in zip(idx, states):
            out[i] = np.random.Generator(np.random.PCG64(_Words(w)))
    return out  # type: ignore[return-value]
