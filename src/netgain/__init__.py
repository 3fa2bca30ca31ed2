"""netgain: measure how much of every change an AI wrote, what it risks, and who must review it."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("netgain")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]
