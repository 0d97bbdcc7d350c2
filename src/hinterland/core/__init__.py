"""The core layer: vocabulary, clock, money, errors and certificates.

Modules here import nothing from the rest of :mod:`hinterland`; every other layer
may import them.
"""

from hinterland.core.certificate import Certificate
from hinterland.core.errors import HinterlandError, InputError
from hinterland.core.money import CENT, from_cents, round_cents, to_cents, usd

__all__ = [
    "CENT",
    "Certificate",
    "HinterlandError",
    "InputError",
    "from_cents",
    "round_cents",
    "to_cents",
    "usd",
]
