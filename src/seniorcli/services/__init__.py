"""Use cases, one function each. They take a sqlite3 connection and plain values, return plain
values, and raise SeniorError subclasses. No Typer, no Rich, no printing.
"""
