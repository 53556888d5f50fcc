"""Run scheduled jobs once, for cron: `python -m app.jobs outbox`."""

from __future__ import annotations

import argparse
import asyncio

from app.jobs import JOBS
from app.migrate import schema_behind


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m app.jobs", description=__doc__)
    parser.add_argument("job", choices=sorted(JOBS))
    args = parser.parse_args()
    # A job run by cron never changes the schema (the app's start-up command does) and does not run
    # against one it does not know.
    problem = schema_behind()
    if problem:
        parser.exit(1, f"{parser.prog}: {problem}\n")
    result = asyncio.run(JOBS[args.job]())
    print(f"{args.job}: {result}")


if __name__ == "__main__":
    main()
