#!/usr/bin/env python
"""Django's usual entry point; the same as the `arrears` command (`arrears.cli.main`)."""

import sys

from arrears.cli import main

if __name__ == "__main__":
    main(sys.argv[1:])
