"""`python -m bot` runs the `jemput` command (see `bot.cli`)."""

import sys

from bot.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
