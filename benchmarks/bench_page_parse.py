"""Parse time of a ~2 MB update-list page with the lxml parser (target: under 0.3 s). Not a test.

    python benchmarks/bench_page_parse.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scanner.sources import SourceHints, parse_page

ROW = ("<tr><td><a href=\"http://support.microsoft.com/kb/{kb}\">{kb}</a></td><td>Virtual machine number {i} "
       "crashes when you perform a live migration on a Windows Server 2012-based Hyper-V host that has many "
       "snapshots</td><td>Hyper-V</td><td>Windows Server 2012</td><td>No</td><td>12/{d}/2013</td></tr>\n")


def page(target_bytes: int = 2_000_000) -> bytes:
    head = ("<html><body><table><tr><td><strong>KB Article</strong></td><td><strong>Title</strong></td>"
            "<td><strong>Component</strong></td><td><strong>Fix for</strong></td>"
            "<td><strong>Installed by Windows Update?</strong></td><td><strong>Date Added</strong></td></tr>\n")
    rows, size, i = [], len(head), 0
    while size < target_bytes:
        row = ROW.format(kb=2_000_000 + i, i=i, d=i % 28 + 1)
        rows.append(row)
        size += len(row)
        i += 1
    return (head + "".join(rows) + "</table></body></html>").encode()


def main() -> None:
    body = page()
    hints = SourceHints("bench", "http://127.0.0.1/bench", ("ws2012",), ("hyper-v",))
    timings = []
    for _ in range(5):
        start = time.perf_counter()
        parsed = parse_page(body, "text/html; charset=utf-8", hints.url, hints)
        timings.append(time.perf_counter() - start)
    print(f"update-list page: {len(body) / 1e6:.2f} MB, {len(parsed.entries)} entries, "
          f"parse best {min(timings):.3f} s, median {sorted(timings)[2]:.3f} s (target < 0.3 s)")


if __name__ == "__main__":
    main()
