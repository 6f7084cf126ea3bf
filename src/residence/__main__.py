"""Allow ``python -m residence``."""

from residence.cli import main

main()
