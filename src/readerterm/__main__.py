"""`python -m readerterm` runs the command line."""

from __future__ import annotations

import sys

from readerterm.cli import main

sys.exit(main())
