"""``python -m isacopt ...`` is the ``isacopt`` command (useful when the script is not on PATH)."""

from .cli import main

main()
