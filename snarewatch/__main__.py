"""`python -m snarewatch` runs the CLI."""

from snarewatch.cli import main

main()
