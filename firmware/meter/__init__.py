"""AOM prepaid meter firmware core: portable MicroPython, no board imports.

See firmware/README.md for the module map.
"""

VERSION = "1.0.0"
