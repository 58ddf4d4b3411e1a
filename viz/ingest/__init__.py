"""From article to record: ``viz ingest`` proposes sourced facts from a report; ``viz apply`` merges reviewed ones.

Modules: :mod:`~viz.ingest.proposal` (the proposal file, shared by both halves),
:mod:`~viz.ingest.reader` (a text file, HTML file or URL to main text and metadata),
:mod:`~viz.ingest.gazetteer` (the dataset's names, aliases, titles, series and places),
:mod:`~viz.ingest.extract` and its helpers (the rule-based extractor) and
:mod:`~viz.ingest.ingest` (the one entry point the CLI calls).
Only earlier stages are imported: :mod:`viz.record` and :mod:`viz.network`.
"""
