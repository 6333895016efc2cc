#!/usr/bin/env python
"""Django's manage.py; `maillage` (the console script) does the same."""

from maillage.__main__ import main

if __name__ == "__main__":
    main()
