"""embargo: sanctions and export-control screening."""

from embargo import _native

_native.install()  # the compiled screening core, if it was built from these sources (see _native)
