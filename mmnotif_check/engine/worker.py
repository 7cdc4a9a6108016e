"""``python -m mmnotif_check.engine.worker FD``: one worker process of a parallel search,
serving a partition (engine/partition.py) on the connection at file descriptor FD, which
the coordinator (engine/parallel.py) passed it."""

from __future__ import annotations

import sys
from multiprocessing.connection import Connection

from mmnotif_check.engine.partition import serve_partition


def main() -> None:
    serve_partition(Connection(int(sys.argv[1])))


if __name__ == "__main__":
    main()
