"""Browser pages over the graph: ``pages.pages_router`` (HTML routes), ``networks`` (vis-network graphs via
pyvis), ``context`` (what each page shows, read from the store), templates in ``templates/``."""
