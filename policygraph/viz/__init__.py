"""Browser pages over the graph: ``pages.pages_router`` (HTML routes), ``networks`` (vis-network graphs via
pyvis), ``context`` (what each page shows, asked of ``policygraph.queries`` only: the pages, the API and the
CLI share one read path), templates in ``templates/``."""
