"""What the position-CRLB objectives share: they need targets observable by two BSs, and the relaxation's
value is in the CRLB term's common scale j_ref (tr(X_t) j_ref / j_t >= j_ref CRLB_t), so a bound in m^2
is the value over j_ref."""

from .base import Objective


class PositionCrlbObjective(Objective):
    """Base of min_sum_crlb, min_max_crlb and the weighted CRLB objective (not an objective itself)."""

    unit = "m^2"
    needs = "targets"
    crlb = True

    @classmethod
    def bound_si(cls, compiled, data, value):
        return float(value) / compiled.terms["crlb"].j_ref
