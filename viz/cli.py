"""``viz`` command line: a thin layer over the library.

Exit codes: 0 success, 2 invalid dataset or bad usage.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from viz import default_data_dir
from viz.record.load import DatasetError, load_dataset
from viz.record.progress import Step, no_progress
from viz.record.storage import StorageError
from viz.render.export_size import MAX_SCALE, MAX_SIZE, MIN_SCALE, MIN_SIZE, bound_problem

EXIT_INVALID = 2


class UsageError(Exception):
    """A command-line value that cannot be used (printed, exit 2)."""


@contextlib.contextmanager
def _progress() -> Iterator[Step]:
    """A progress bar on stderr while long work runs, when stderr is a terminal (the step under way, how many
    are done, the time taken; gone when the work ends); nothing at all otherwise (pipes, logs, CI)."""
    if not sys.stderr.isatty():
        yield no_progress
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=Console(file=sys.stderr), transient=True) as bar:
        task = bar.add_task("starting", total=None)

        def step(name: str) -> None:
            bar.update(task, description=name, advance=1)
            bar.refresh()

        yield step


def _validate(args: argparse.Namespace) -> int:
    from viz.network.info import unsourced_facts

    with _progress() as step:
        dataset = load_dataset(args.data_dir, step)
    missing = unsourced_facts(dataset)
    for fact in missing:
        print(f"{'error' if args.strict else 'warning'}: no source for {fact}", file=sys.stderr)
    counts = (f"{len(dataset.actors)} actors, {len(dataset.agreements)} agreements, {len(dataset.events)} events, "
              f"{len(dataset.series)} series, {len(dataset.sources)} sources")
    if args.strict and missing:
        print(f"{args.data_dir}: not valid under --strict: {len(missing)} fact{'s' if len(missing) != 1 else ''} "
              f"without a source (listed above; give each a `sources:` entry) ({counts})", file=sys.stderr)
        return EXIT_INVALID
    print(f"{args.data_dir}: valid ({counts})")
    return 0


def _migrate(args: argparse.Namespace) -> int:
    from viz.record.migrate import migrate_dataset

    written = migrate_dataset(args.data_dir)
    print(f"{args.data_dir}: migrated to schema v2 ({', '.join(p.name for p in written)} written); "
          "check series.yaml's names and parties")
    return 0


def _info(args: argparse.Namespace) -> int:
    from viz.network.info import dataset_info

    info = dataset_info(load_dataset(args.data_dir))
    if args.json:
        print(json.dumps(info, indent=2, ensure_ascii=False))
    else:
        width = max(map(len, info))
        for key, value in info.items():
            if isinstance(value, dict):  # sessions per series: one line each
                value = ", ".join(f"{k}: {v}" for k, v in value.items()) or "none"
            print(f"{key:<{width}}  {value}")
    return 0


def _serve(args: argparse.Namespace) -> int:
    from viz.app import create_app

    token = None
    if args.edit:
        from viz.app.edit_auth import EditRefused, check_edit_host, edit_token

        try:
            token = edit_token()
            check_edit_host(args.host, token)
        except EditRefused as exc:
            raise UsageError(str(exc)) from None
    app = create_app(args.data, edit=args.edit, edit_token=token)
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        print(f"warning: serving on {args.host} makes the app reachable from other machines", file=sys.stderr)
    mode = "edit mode: saves change the files" if args.edit else "read-only"
    print(f"viz: serving {args.data} on http://{args.host}:{args.port}/ ({mode}, "
          f"debug {'on' if args.debug else 'off'})")
    app.run(host=args.host, port=args.port, debug=args.debug)
    return 0


def _filtered(args: argparse.Namespace, step: Step = no_progress):
    from viz.network.explore import visible_events, visible_graph
    from viz.network.state import ViewState, parse_date
    from viz.render.view import prepare_context

    context = prepare_context(args.data, step=step)
    state = ViewState(orgs=tuple(args.org or ()), start=parse_date(args.date_from),
                      end=parse_date(args.date_to, end=True))
    unknown = [o for o in state.orgs if o not in context.graph]
    if unknown:
        raise UsageError(f"unknown organisation id(s): {', '.join(unknown)}")
    for flag, text, value in (("--from", args.date_from, state.start), ("--to", args.date_to, state.end)):
        if text and value is None:
            raise UsageError(f"{flag} {text!r} is not a date like 2021, 2021-10 or 2021-10-27")
    return context, state, visible_graph(context.graph, context.dataset, state), visible_events(
        context.dataset, state)


def _export(args: argparse.Namespace) -> int:
    from viz.exports.interop import export_graph
    from viz.render.report import ExportError

    try:
        with _progress() as step:
            context, state, graph, events = _filtered(args, step)
            step(f"writing {args.what} ({args.format})")
            if args.what == "graph":
                written = export_graph(args.format, args.out, graph, context.dataset, events)
            else:
                written = [_export_chart(args, context, state)]
    except (ExportError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INVALID
    for path in written:
        print(path)
    return 0


def _export_chart(args: argparse.Namespace, context, state) -> Path:
    from viz.record.files import atomic_write
    from viz.render.report import render_figure, render_view_report
    from viz.render.view import build_view

    if args.what == "view":
        content = render_view_report(context, state, args.format, args.width, args.height, args.scale).content
    else:
        view = build_view(context, state)
        figure = view.network if args.what == "network" else view.timeline
        content = render_figure(figure, args.format, args.width, args.height, args.scale)
    return atomic_write(args.out, content)


def _synth(args: argparse.Namespace) -> int:
    from viz.record.synth import write_synth

    if args.actors < 10 or args.events < 1:
        raise UsageError("--actors must be at least 10 and --events at least 1")
    with _progress() as step:
        out = write_synth(args.out, args.actors, args.events, args.seed, args.format, step)
    print(out)
    return 0


def _ingest(args: argparse.Namespace) -> int:
    from viz.ingest.ingest import IngestError, ingest
    from viz.ingest.proposal import dump_proposal
    from viz.record.files import atomic_write

    try:
        with _progress() as step:
            proposal = ingest(args.source, args.data, url=args.url, published=args.published,
                              publisher=args.publisher, step=step)
    except IngestError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INVALID
    atomic_write(args.out, dump_proposal(proposal))
    counts: dict[str, list[int]] = {}
    for item in proposal.items:
        counts.setdefault(item.kind, [0, 0])[item.status == "existing"] += 1
    summary = ", ".join(f"{k}: {n} new, {e} known" for k, (n, e) in counts.items())
    print(f"{args.out}: {len(proposal.items)} items ({summary}); "
          f"review, then `viz apply {args.out} --data {args.data}`")
    return 0


def _apply(args: argparse.Namespace) -> int:
    from viz.ingest.apply import ApplyError, apply_proposal

    try:
        result = apply_proposal(args.proposal, args.data, all_items=args.all, force=args.force, dry_run=args.dry_run)
    except ApplyError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INVALID
    written = ", ".join(path.name for path in result.written)
    print(f"{args.data}: {result.summary}" + (" (dry run: nothing written)" if result.dry_run else
                                               f" ({written} written)" if written else ""))
    return 0


def _image_bound(name: str, kind: type[int] | type[float]) -> Callable[[str], float]:
    """An argparse type for --width, --height or --scale: within the app's bounds, or exit 2 saying so."""

    def parse(text: str) -> float:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a {'whole ' if kind is int else ''}number") from None
        if (problem := bound_problem(name, value)) is not None:
            raise argparse.ArgumentTypeError(problem)
        return value

    return parse


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="viz", description="Sourced event-timeline and relationship visualiser.")
    commands = parser.add_subparsers(dest="command", required=True)
    default = str(default_data_dir())

    validate = commands.add_parser("validate", help="check a dataset folder; exit 2 listing every problem")
    validate.add_argument("data_dir", nargs="?", default=default, type=Path)
    validate.add_argument("--strict", action="store_true", help="also fail on facts without a source")
    validate.set_defaults(handler=_validate)

    migrate = commands.add_parser("migrate", help="convert a schema v1 dataset folder to v2, in place, atomically")
    migrate.add_argument("data_dir", type=Path)
    migrate.set_defaults(handler=_migrate)

    info = commands.add_parser("info", help="counts of actors, agreements, events, sessions and sources")
    info.add_argument("data_dir", nargs="?", default=default, type=Path)
    info.add_argument("--json", action="store_true", help="print JSON")
    info.set_defaults(handler=_info)

    serve = commands.add_parser("serve", help="run the web app")
    serve.add_argument("--data", default=default, type=Path, help="dataset folder")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", default=8050, type=int)
    serve.add_argument("--debug", action="store_true", help="Dash debug mode (never on a shared host)")
    serve.add_argument("--edit", action="store_true",
                       help="edit the dataset in the app (127.0.0.1 only, unless $VIZ_EDIT_TOKEN is set)")
    serve.set_defaults(handler=_serve)

    export = commands.add_parser("export", help="export charts (png/svg/pdf) or data (graphml, gexf, ...)")
    export.add_argument("what", choices=["network", "timeline", "view", "graph"])
    export.add_argument("--format", required=True,
                        choices=["png", "svg", "pdf", "graphml", "gexf", "json", "csv", "timelinejs", "ftm"])
    export.add_argument("--out", required=True, type=Path, help="file to write (a folder for csv)")
    export.add_argument("--data", default=default, type=Path, help="dataset folder")
    export.add_argument("--org", action="append", help="organisation id to filter by (repeatable)")
    export.add_argument("--from", dest="date_from", help="window start: 2021, 2021-10 or 2021-10-27")
    export.add_argument("--to", dest="date_to", help="window end")
    pixels = f"pixels ({MIN_SIZE} to {MAX_SIZE})"
    export.add_argument("--width", type=_image_bound("width", int), default=1600, help=pixels)
    export.add_argument("--height", type=_image_bound("height", int), default=1000, help=pixels)
    export.add_argument("--scale", type=_image_bound("scale", float), default=1.0,
                        help=f"{MIN_SCALE:g} to {MAX_SCALE:g}")
    export.set_defaults(handler=_export)

    synth = commands.add_parser("synth", help="write a synthetic dataset of realistic shape (for benchmarks)")
    synth.add_argument("--actors", type=int, required=True)
    synth.add_argument("--events", type=int, required=True)
    synth.add_argument("--out", type=Path, required=True)
    synth.add_argument("--seed", type=int, default=1)
    synth.add_argument("--format", choices=("auto", "yaml", "json"), default="auto",
                       help="collection file format; auto writes JSON above 5000 actors (it loads ~20x faster)")
    synth.set_defaults(handler=_synth)

    ingest = commands.add_parser("ingest", help="propose sourced facts from a report (text, HTML file or URL)")
    ingest.add_argument("source", help="a text file, an HTML file or an http(s) URL")
    ingest.add_argument("--data", required=True, type=Path, help="dataset folder the proposal is made against")
    ingest.add_argument("--url", help="the report's web address (when SOURCE is a saved copy)")
    ingest.add_argument("--published", help="publication day, YYYY-MM-DD (dates 'Tuesday', 'this week' against it)")
    ingest.add_argument("--publisher", help="publisher name for the source record")
    ingest.add_argument("--out", required=True, type=Path, help="proposal YAML to write")
    ingest.set_defaults(handler=_ingest)

    apply = commands.add_parser("apply", help="merge a proposal's accepted items into a dataset (validated, atomic)")
    apply.add_argument("proposal", type=Path, help="proposal YAML written by `viz ingest` (and reviewed)")
    apply.add_argument("--data", required=True, type=Path, help="dataset folder to change")
    apply.add_argument("--all", action="store_true", help="apply every item not marked 'reject'")
    apply.add_argument("--force", action="store_true", help="apply a proposal made for another dataset id")
    apply.add_argument("--dry-run", action="store_true", help="validate and print the summary; write nothing")
    apply.set_defaults(handler=_apply)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "export":
        charts, data = {"png", "svg", "pdf"}, {"graphml", "gexf", "json", "csv", "timelinejs", "ftm"}
        if (args.what == "graph") != (args.format in data) or (args.what != "graph" and args.format not in charts):
            parser.error(f"'viz export {args.what}' takes --format "
                         f"{'graphml|gexf|json|csv|timelinejs|ftm' if args.what == 'graph' else 'png|svg|pdf'}")
    try:
        return args.handler(args)
    except (DatasetError, UsageError, StorageError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INVALID


if __name__ == "__main__":
    sys.exit(main())
