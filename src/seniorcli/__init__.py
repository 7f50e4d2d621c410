"""seniorcli: senior conversations and senior agreements for Danish municipalities."""

__version__ = "0.1.0"
