"""The province-scale benchmark: ``bench/run`` (or ``.venv/bin/python -m bench``).

See ``bench/__main__.py`` for the steps and ``bench/RESULTS.md`` for the
latest figures."""
