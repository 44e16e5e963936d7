"""`sitreps serve`: the HTTP API and the analyst's dashboard, served by one process.

    from sitreps.serve import create_app
    app = create_app("sitreps.db")            # read-only
    app = create_app("sitreps.db", token=t)    # POST /api/ingest with `Authorization: Bearer t`

Everything the dashboard needs is served from this package (static/ and the vendored
front-end libraries in static/vendor/, built by `make install`); nothing is fetched from
elsewhere unless an online tile URL is configured.
"""

from sitreps.serve.app import create_app

__all__ = ["create_app"]
