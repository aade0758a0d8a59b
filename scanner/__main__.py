"""`python -m scanner` runs the same CLI as the `kbscan` console script."""

import sys

from scanner.cli import main

sys.exit(main())
