"""``python -m xladdin …`` runs the ``theodoi`` command (for Task Scheduler and cron)."""

from __future__ import annotations

import sys

from .adapters.cli import main

if __name__ == "__main__":
    sys.exit(main())
