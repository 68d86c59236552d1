"""`python -m salesforce_emulator` is the `salesforce-emulator` command."""

from salesforce_emulator.cli import main

raise SystemExit(main())
