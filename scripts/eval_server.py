"""Routing accuracy through the MCP server: each case goes to `select_persona` over stdio.

Run: .venv/bin/python scripts/eval_server.py CASES.jsonl [CASES.jsonl ...] [-- persona-mcp options]

Starts the installed `persona-mcp` (built-in catalog, or the options given after `--`), sends
every case's task and files as a `tools/call`, and prints top-1 (abstaining counts as wrong) and
recall@3 from the answers, the way `persona-mcp eval` computes them in-process. A difference
between the two would be a bug in the server path.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_server import Session

from persona_mcp.evaluate import load_cases
from persona_mcp.model import short_name


def main(argv: list[str]) -> int:
    files, options = (argv[: argv.index("--")], argv[argv.index("--") + 1:]) if "--" in argv else (argv, [])
    if not files:
        raise SystemExit(__doc__)
    script = shutil.which("persona-mcp", path=str(Path(sys.executable).parent))
    if script is None:
        raise SystemExit("persona-mcp is not installed next to this Python; run `pip install -e .` first")
    cases = [case for path in files for case in load_cases(Path(path)).cases if case.expected]
    session = Session([script, *options])
    session.handshake()
    right = in_three = abstained = 0
    for case in cases:
        reply = session.request("tools/call", {"name": "select_persona",
                                               "arguments": {"task": case.task, "files": list(case.files)}})
        selection = reply["result"]["structuredContent"]
        chosen = short_name(selection["persona"]) if selection["persona"] else None
        ranked = ([chosen] if chosen else []) + [c["short_name"] for c in selection["alternatives"]]
        right += chosen in case.expected
        in_three += any(name in case.expected for name in ranked[:3])
        abstained += chosen is None
    session.close()
    n = len(cases) or 1
    print(f"{len(cases)} cases through select_persona over stdio: top-1 {right / n:.3f}, "
          f"recall@3 {in_three / n:.3f}, abstained {abstained / n:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
