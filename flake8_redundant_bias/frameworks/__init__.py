"""What the rules know of each framework, one module of rows per framework."""
