"""Pure scoring: (index of a catalog, task, files) -> Selection. No I/O, no MCP.

The package, one job per module, in the order a request meets them:

- `tunables`: every weight, threshold and cap, each with what it does.
- `derive`: a persona's profile from its own file and the lexicon (terms, globs, shapes, sources);
  `evidence`: the profile as lines to read.
- `index`: the profiles of a catalog, filed for lookup; rarity across the catalog.
- `request`: the task and files read once (words, stems, code marks, first sentence, paths, shape);
  `shapes`: the request's shape (a question, a bug report, a design write-up);
  `asides`: the words that name a kind of work without asking for it ("with tests", "Build a form");
  `paths`: the files' paths as data, relative to the repository's top, and the words of their folders and names.
- `phrases`: the text signal; `files`: the file signal.
- `scoring`: the signals added up and ranked; `calibration`: confidence, and fitting it.
- `result`: the answer (reasons, companions, merged priorities, MCP servers).
"""

from persona_mcp.selection.calibration import confidence
from persona_mcp.selection.derive import Profile, Term
from persona_mcp.selection.evidence import describe
from persona_mcp.selection.index import SelectionIndex
from persona_mcp.selection.paths import normalise_path, within_roots
from persona_mcp.selection.request import Request, read_request
from persona_mcp.selection.result import merge_priorities, rank_candidates, select
from persona_mcp.selection.tunables import MIN_CONFIDENCE, MIN_SCORE
from persona_mcp.servers import resolve_servers

rank = rank_candidates

__all__ = [
    "MIN_CONFIDENCE",
    "MIN_SCORE",
    "Profile",
    "Request",
    "SelectionIndex",
    "Term",
    "confidence",
    "describe",
    "merge_priorities",
    "normalise_path",
    "rank",
    "read_request",
    "resolve_servers",
    "select",
    "within_roots",
]
