"""What the code says: an index of a module, its imports, the values that flow through it, and what it builds.

The model knows no framework by name: it reads the rows of ``knowledge/`` that it is given."""
