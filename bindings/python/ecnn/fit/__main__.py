"""python3 -m ecnn.fit: see ecnn.fit and docs/validation.md."""
import sys

from .cli import main

sys.exit(main())
