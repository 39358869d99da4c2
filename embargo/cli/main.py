"""The ``embargo`` command: a thin shell over :mod:`embargo.service`.

Every command takes ``--db`` (or ``$EMBARGO_DB``) and ``--json``. Errors are one line on stderr
(exit code 2), never a traceback; ``ingest`` exits 1 when any file was refused.
Commands live in :mod:`embargo.cli.lists`, :mod:`embargo.cli.screening` and :mod:`embargo.cli.server`.
"""

from __future__ import annotations

import sys

from embargo.cli import lists, monitor, resolve, screening, server, timeline  # noqa: F401  (registers the commands)
from embargo.cli.base import app, err
from embargo.errors import EmbargoError


def main() -> None:
    try:
        app()
    except EmbargoError as exc:
        err.print(f"[red]error:[/] {exc}", highlight=False)
        sys.exit(2)
    except KeyboardInterrupt:
        err.print("interrupted")
        sys.exit(130)
    except Exception as exc:  # never a traceback for a user; EMBARGO_DEBUG=1 shows it
        import os

        if os.environ.get("EMBARGO_DEBUG"):
            raise
        err.print(
            f"[red]internal error:[/] {type(exc).__name__}: {exc} (set EMBARGO_DEBUG=1 for details)",
            highlight=False,
        )
        sys.exit(3)


if __name__ == "__main__":
    main()
