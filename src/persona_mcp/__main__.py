"""Entry point for `python -m persona_mcp`."""

from persona_mcp.cli import main

raise SystemExit(main())
