"""The package version, apart from the package's __init__ so that any layer can read it without an
import that runs up the layers."""

__version__ = "0.1.0"
