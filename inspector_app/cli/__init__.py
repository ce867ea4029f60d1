"""The ``inspector-app`` command line. See docs/cli.md (and shared design CLI.md)."""
