"""What the `mailtrixy` operator commands do: sync, connections, check, rotate-keys.

cli.py parses arguments and calls these; each returns the process's exit code.
"""
