"""System-wide radio parameters (SPEC.md sections 0, 1, 5, 7, 8)."""

from __future__ import annotations

import math

from pydantic import Field

from .._model import FrozenModel
from ..units import dbm_to_watt, wavelength


class SystemParams(FrozenModel):
    """Radio parameters shared by every node of a snapshot.

    Defaults are the seed paper's case study (Meng et al., Sec. V): 5 GHz,
    50 MHz, noise -80 dBm, free-space path loss.
    """

    carrier_hz: float = Field(5.0e9, ge=1e6, le=1e13, description="carrier frequency f_c [Hz]")
    bandwidth_hz: float = Field(50.0e6, ge=1.0, le=1e12, description="signal bandwidth B [Hz]")
    noise_dbm: float = Field(-80.0, ge=-250, le=100, description="noise power sigma^2 [dBm]")
    pathloss_exponent: float = Field(2.0, ge=1.0, le=8.0, description="path-loss exponent alpha")
    min_distance_m: float = Field(1.0, gt=0, le=1e4, description="d_min: distances are clipped below at it [m]")
    ref_gain_db: float | None = Field(
        None, ge=-200, le=0, description="path gain beta0 at d0 = 1 m [dB]; default (lambda/4pi)^2"
    )
    samples: int = Field(1000, ge=1, le=10**9, description="coherently integrated samples L = B*T_cpi")
    rms_bandwidth_hz: float | None = Field(
        None, gt=0, le=1e11, description="effective (RMS) bandwidth beta_rms [Hz]; default B/sqrt(12)"
    )
    adc_bits: int = Field(12, ge=1, le=32, description="ADC resolution b_adc for raw-echo backhaul")
    estimate_numbers: int = Field(6, ge=1, le=1000, description="numbers per fused estimate (D_est)")
    estimate_bits: int = Field(32, ge=1, le=128, description="bits per number of a fused estimate")
    estimate_rate_hz: float = Field(100.0, gt=0, le=1e6, description="update rate of fused estimates [Hz]")
    pa_efficiency: float = Field(1.0, gt=0, le=1, description="power-amplifier efficiency eta (energy efficiency)")

    @property
    def noise_w(self) -> float:
        """Noise power sigma^2 in watts."""
        return float(dbm_to_watt(self.noise_dbm))

    @property
    def wavelength_m(self) -> float:
        """Carrier wavelength c / f_c [m]."""
        return wavelength(self.carrier_hz)

    @property
    def beta_rms_hz(self) -> float:
        """Effective bandwidth used by the range CRLB (B/sqrt(12) for a flat spectrum)."""
        if self.rms_bandwidth_hz is not None:
            return self.rms_bandwidth_hz
        return self.bandwidth_hz / math.sqrt(12.0)

    def raw_echo_bps(self, rx_antennas: int) -> float:
        """D_raw: raw echo samples (I and Q of every Rx antenna) forwarded [bit/s]."""
        return 2.0 * self.adc_bits * rx_antennas * self.bandwidth_hz

    @property
    def estimate_bps(self) -> float:
        """D_est: data-level fusion payload of one target [bit/s]."""
        return self.estimate_numbers * self.estimate_bits * self.estimate_rate_hz
