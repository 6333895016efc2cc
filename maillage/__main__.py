"""The `maillage` console script: Django's management commands, with clear start-up errors."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maillage.settings")
    from maillage.core.conf import SettingsError

    try:
        from django.core.management import execute_from_command_line

        execute_from_command_line(["maillage", *(sys.argv[1:] if argv is None else argv)])
    except SettingsError as exc:
        # One clear line, no traceback: the operator fixes the variable and starts again.
        print(f"maillage: {exc}", file=sys.stderr)
        raise SystemExit(2) from None


if __name__ == "__main__":
    main()
