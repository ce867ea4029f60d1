"""Plain domain objects and metrology rules. Imports nothing from Qt, SQLite or reportlab."""
