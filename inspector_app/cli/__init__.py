"""The ``inspector-app`` command line. See docs/cli.md."""
