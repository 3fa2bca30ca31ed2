"""File-system rules: temporary files and other names on disk another user can take."""

from netgain.analysis.rules.files import temp_file

__all__ = ["temp_file"]
