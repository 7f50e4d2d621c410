"""The database: schema (SQLModel), versioned migrations, connection and queries.

Hot paths (import, due, exports) use the standard library's sqlite3 with plain SQL: at 500,000
rows one ORM object per row is ~45x slower, and importing SQLModel costs ~0.5 s and ~50 MB, which
the start-up and memory targets cannot afford. ``models.py`` is the schema's declaration and a
test checks that the migrations produce exactly it.
"""
