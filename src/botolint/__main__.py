import sys

from botolint.cli import main

sys.exit(main())
