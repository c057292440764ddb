"""The ``pantau`` command line: thin Typer commands that call the library at once."""
