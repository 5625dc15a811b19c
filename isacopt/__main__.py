"""``python -m isacopt ...`` is the ``isacopt`` command (useful when the script is not on PATH)."""

from .console import main

main()
