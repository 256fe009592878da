"""Exceptions: one class per ec_status, all subclasses of EcnnError.

Each carries .status (a Status, or the plain int of a status newer than this
binding), .status_name (the library's ec_status_string) and .message (the
handle's message, which names the offending parameter and value). Errors
about a parameter's value also derive from ValueError, so that
``except ValueError`` works as for any Python API.
"""
from . import _capi


class EcnnError(Exception):
    """A libecnn call failed."""

    def __init__(self, status, message=""):
        try:
            self.status = _capi.Status(status)
        except ValueError:
            self.status = int(status)
        self.status_name = _capi.lib.ec_status_string(int(status)).decode()
        self.message = message
        super().__init__(f"{message} ({self.status_name})" if message else self.status_name)


class NullError(EcnnError):
    """EC_E_NULL: a required pointer was NULL (a bug of the binding)."""


class UnknownKeyError(EcnnError, ValueError):
    """EC_E_KEY: unknown parameter key or enum value."""


class RangeError(EcnnError, ValueError):
    """EC_E_RANGE: a parameter is out of its range."""


class GroupsError(EcnnError, ValueError):
    """EC_E_GROUPS: C or K is not divisible by G."""


class EmptyOutputError(EcnnError, ValueError):
    """EC_E_EMPTY_OUTPUT: the output is smaller than one pixel."""


class OrderError(EcnnError, ValueError):
    """EC_E_ORDER: a loop order is not a permutation of NGKCPQRS."""


class TileError(EcnnError, ValueError):
    """EC_E_TILE: a tile is larger than its dimension's extent."""


class CapacityError(EcnnError):
    """EC_E_CAPACITY: the tiles do not fit the Buffer."""


class EnergyError(EcnnError, ValueError):
    """EC_E_ENERGY: an energy is negative or not finite."""


class CountOverflowError(EcnnError, OverflowError):
    """EC_E_OVERFLOW: a count would overflow 64 bits."""


class NoMemoryError(EcnnError, MemoryError):
    """EC_E_NOMEM: memory allocation failed."""


class NotEvaluatedError(EcnnError):
    """EC_E_NOT_EVALUATED: a result was read before an evaluation."""


class ReadOnlyError(EcnnError):
    """EC_E_READONLY: a derived parameter was set."""


class LimitError(EcnnError):
    """EC_E_LIMIT: the work needed exceeds a documented limit."""


class UnavailableError(EcnnError):
    """EC_E_UNAVAILABLE: the result has no such figure."""


_BY_STATUS = {
    _capi.Status.E_NULL: NullError,
    _capi.Status.E_KEY: UnknownKeyError,
    _capi.Status.E_RANGE: RangeError,
    _capi.Status.E_GROUPS: GroupsError,
    _capi.Status.E_EMPTY_OUTPUT: EmptyOutputError,
    _capi.Status.E_ORDER: OrderError,
    _capi.Status.E_TILE: TileError,
    _capi.Status.E_CAPACITY: CapacityError,
    _capi.Status.E_ENERGY: EnergyError,
    _capi.Status.E_OVERFLOW: CountOverflowError,
    _capi.Status.E_NOMEM: NoMemoryError,
    _capi.Status.E_NOT_EVALUATED: NotEvaluatedError,
    _capi.Status.E_READONLY: ReadOnlyError,
    _capi.Status.E_LIMIT: LimitError,
    _capi.Status.E_UNAVAILABLE: UnavailableError,
}


def error(status, message=""):
    """The exception for a non-OK status (EcnnError itself for a status
    this binding does not know)."""
    return _BY_STATUS.get(status, EcnnError)(status, message)


def check(status, message_fn=None):
    """Raise for a non-OK status, with the message message_fn() returns."""
    if status != _capi.Status.OK:
        raise error(status, message_fn().decode() if message_fn else "")
