#!/usr/bin/env python
from xinan.cli import main

if __name__ == "__main__":
    main()
