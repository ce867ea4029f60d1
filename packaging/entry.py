"""Entry script of the frozen build: the same ``main`` as the ``inspector-app`` console script."""

import multiprocessing
import sys

from inspector_app.cli.main import main

if __name__ == "__main__":
    multiprocessing.freeze_support()  # batch report export uses worker processes
    sys.exit(main())
