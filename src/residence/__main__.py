# SPDX-License-Identifier: EUPL-1.2
"""Allow ``python -m residence``."""

from residence.cli import main

if __name__ == "__main__":
    main()
