import os

# Internal errors are contained in users' runs; the project's own tests see them.
os.environ["FLAKE8_REDUNDANT_BIAS_STRICT"] = "1"

# The case files are full of findings on purpose; flake8 is run over them by
# test_cases.py, and pytest-flake8 must not lint them as project code.
collect_ignore = ["cases"]
