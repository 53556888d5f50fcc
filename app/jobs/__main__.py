"""Run scheduled jobs once, for cron: `python -m app.jobs outbox`."""

from __future__ import annotations

import argparse
import asyncio

from app.jobs import JOBS


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m app.jobs", description=__doc__)
    parser.add_argument("job", choices=sorted(JOBS))
    args = parser.parse_args()
    result = asyncio.run(JOBS[args.job]())
    print(f"{args.job}: {result}")


if __name__ == "__main__":
    main()
