"""The engine's exceptions: one hierarchy, clear messages, never any key material."""


class StsError(ValueError):
    """Base of every error raised by the STS-format engine."""


class KeyFormatError(StsError):
    """A key is not of the expected length or is not hexadecimal."""


class LuhnError(StsError):
    """A DRN or PAN is malformed or its Luhn check digit is wrong."""


class ParameterError(StsError):
    """A parameter (SGC, TI, KRN, KT, RND, subclass, algorithm...) is out of range or unknown."""


class AmountError(StsError):
    """An amount or value cannot be carried by a 16-bit exponent/mantissa field."""


class TidError(StsError):
    """A time cannot be expressed as a 24-bit token identifier on the given base date."""


class CodeFormatError(StsError):
    """A code is not 20 decimal digits."""


class KeyRequiredError(StsError):
    """Decoding an encrypted (class 0 or 2) code needs a decoder key."""
