"""The batch engine's one error: a one-line message for the user (exit 2 in the CLI)."""

from __future__ import annotations

from embargo.errors import EmbargoError


class BatchError(EmbargoError):
    """An input, mapping or output the batch engine cannot use; the message says which and why."""
