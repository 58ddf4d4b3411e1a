"""``viz`` command line: a thin layer over the library.

Exit codes: 0 success, 2 invalid dataset or bad usage.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from viz import default_data_dir
from viz.load import DatasetError, load_dataset

EXIT_INVALID = 2


def _validate(args: argparse.Namespace) -> int:
    from viz.info import unsourced_facts

    dataset = load_dataset(args.data_dir)
    missing = unsourced_facts(dataset)
    for fact in missing:
        print(f"warning: no source for {fact}", file=sys.stderr)
    print(f"{args.data_dir}: valid ({len(dataset.actors)} actors, {len(dataset.agreements)} agreements, "
          f"{len(dataset.events)} events, {len(dataset.sources)} sources)")
    return EXIT_INVALID if (args.strict and missing) else 0


def _info(args: argparse.Namespace) -> int:
    from viz.info import dataset_info

    info = dataset_info(load_dataset(args.data_dir))
    if args.json:
        print(json.dumps(info, indent=2, ensure_ascii=False))
    else:
        width = max(map(len, info))
        for key, value in info.items():
            print(f"{key:<{width}}  {value}")
    return 0


def _serve(args: argparse.Namespace) -> int:
    from viz.app import create_app

    app = create_app(args.data)
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        print(f"warning: serving on {args.host} makes the app reachable from other machines", file=sys.stderr)
    print(f"viz: serving {args.data} on http://{args.host}:{args.port}/ (debug {'on' if args.debug else 'off'})")
    app.run(host=args.host, port=args.port, debug=args.debug)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="viz", description="Sourced event-timeline and relationship visualiser.")
    commands = parser.add_subparsers(dest="command", required=True)
    default = str(default_data_dir())

    validate = commands.add_parser("validate", help="check a dataset folder; exit 2 listing every problem")
    validate.add_argument("data_dir", nargs="?", default=default, type=Path)
    validate.add_argument("--strict", action="store_true", help="also fail on facts without a source")
    validate.set_defaults(handler=_validate)

    info = commands.add_parser("info", help="counts of actors, agreements, events, sessions and sources")
    info.add_argument("data_dir", nargs="?", default=default, type=Path)
    info.add_argument("--json", action="store_true", help="print JSON")
    info.set_defaults(handler=_info)

    serve = commands.add_parser("serve", help="run the web app")
    serve.add_argument("--data", default=default, type=Path, help="dataset folder")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", default=8050, type=int)
    serve.add_argument("--debug", action="store_true", help="Dash debug mode (never on a shared host)")
    serve.set_defaults(handler=_serve)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except DatasetError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INVALID


if __name__ == "__main__":
    sys.exit(main())
