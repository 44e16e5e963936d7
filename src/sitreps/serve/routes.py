"""The HTTP API under /api: events, incidents, GeoJSON, counts, articles, ingest.

Filters are the command line's (`sitreps events --help`, docs/store.md) as query
parameters; a value that cannot be used is a 400 naming the parameter.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from sitreps.ingest import make_document
from sitreps.records import Event
from sitreps.serve import queries
from sitreps.serve.ingest import URL_SCHEMES, token_matches
from sitreps.serve.state import ApiError, ServerState, state_of
from sitreps.store import EventFilter, FilterError, Incident

router = APIRouter(prefix="/api")
MAX_PAGE = 1000
MAX_MAP_FEATURES = 50_000
DEFAULT_MAP_FEATURES = 5_000
JSON = "application/json"


class ErrorBody(BaseModel):
    error: str
    field: str | None = None


class EventPage(BaseModel):
    total: int = Field(description="Events that match the filters (all pages).")
    limit: int
    offset: int
    events: list[Event]


class IncidentPage(BaseModel):
    total: int = Field(description="Incidents with a matching report (all pages).")
    limit: int
    offset: int
    incidents: list[Incident]


class IngestText(BaseModel):
    """A document to code: a URL to fetch, or text (HTML or plain) with optional metadata."""

    url: str | None = Field(default=None, description="http(s) page or feed to fetch and code.")
    text: str | None = Field(default=None, description="The page: HTML or text.")
    title: str | None = None
    date: str | None = Field(default=None, description="Reference date (ISO) for the text.")
    source: str | None = None
    source_url: str | None = Field(default=None, description="Where the text comes from.")


ERRORS: dict[int | str, dict[str, Any]] = {400: {"model": ErrorBody}}


def event_filter(
    country: Annotated[str | None, Query(description="ISO 3166-1 alpha-2/alpha-3 code or English name.")] = None,
    admin1: Annotated[str | None, Query(description="First-level region, exact, any case.")] = None,
    since: Annotated[str | None, Query(description="Inclusive: YYYY-MM-DD, YYYY-MM or YYYY.")] = None,
    until: Annotated[str | None, Query(description="Inclusive: YYYY-MM-DD, YYYY-MM or YYYY.")] = None,
    event_type: Annotated[str | None, Query(alias="type", description="Event type or sub-event type.")] = None,
    sub_type: Annotated[str | None, Query(description="Sub-event type only.")] = None,
    actor: Annotated[str | None, Query(description="Words in the actor1 or actor2 name (word starts, any case).")] = None,
    text: Annotated[str | None, Query(description="Words in the evidence sentences (word starts, any case).")] = None,
    near: Annotated[str | None, Query(description="LAT,LON,KM: within KM km of the point.")] = None,
    min_fatalities: Annotated[int | None, Query(description="A toll of at least N.")] = None,
    min_confidence: Annotated[float | None, Query(description="Confidence of at least X (0-1).")] = None,
) -> EventFilter:  # fmt: skip
    """The query's filters as an EventFilter (400 naming the parameter if one is unusable)."""
    try:
        return EventFilter(
            country=country, admin1=admin1, since=since, until=until, event_type=event_type,
            sub_event_type=sub_type, actor=actor, text=text, near=_near(near),
            min_fatalities=min_fatalities, min_confidence=min_confidence,
        )  # fmt: skip
    except FilterError as exc:
        name = {"event_type": "type", "sub_event_type": "sub_type"}.get(exc.field, exc.field)
        raise ApiError(400, exc.message, name) from None


def _near(value: str | None) -> tuple[float, float, float] | None:
    if value is None:
        return None
    try:
        lat, lon, km = (float(x) for x in value.split(","))
    except ValueError:
        raise ApiError(400, "expected LAT,LON,KM, e.g. 34.73,36.71,50", "near") from None
    return lat, lon, km


def page(
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE, description="Rows per page.")] = 50,
    offset: Annotated[int, Query(ge=0, description="Rows to skip.")] = 0,
    sort: Annotated[str, Query(description=f"One of: {', '.join(queries.SORT_COLUMNS)}.")] = "date",
    order: Annotated[str, Query(description="asc or desc.")] = "desc",
) -> queries.Page:
    if sort not in queries.SORT_COLUMNS:
        raise ApiError(
            400, f"cannot sort by {sort!r}; one of {', '.join(queries.SORT_COLUMNS)}", "sort"
        )
    if order not in ("asc", "desc"):
        raise ApiError(400, f"order is asc or desc, not {order!r}", "order")
    return queries.Page(limit=limit, offset=offset, sort=sort, descending=order == "desc")


Filters = Annotated[EventFilter, Depends(event_filter)]
Paging = Annotated[queries.Page, Depends(page)]
State = Annotated[ServerState, Depends(state_of)]


def _json(text: str, status: int = 200) -> Response:
    return Response(content=text, media_type=JSON, status_code=status)


@router.get("/events", response_model=EventPage, responses=ERRORS, summary="Events, paginated")
def list_events(state: State, flt: Filters, paging: Paging) -> Response:
    """Events that match the filters, newest first by default; full event records v1."""
    return _json(queries.events_page(state.pool.store().conn, flt, paging))


@router.get("/events.geojson", responses=ERRORS, summary="Events as GeoJSON points")
def events_geojson(
    state: State,
    flt: Filters,
    limit: Annotated[int, Query(ge=1, le=MAX_MAP_FEATURES)] = DEFAULT_MAP_FEATURES,
) -> Response:
    """Matching events with coordinates, newest first, as a FeatureCollection (`total` and
    `truncated` tell whether `limit` left some out)."""
    collection = queries.geojson(state.pool.store().conn, flt, limit)
    return Response(collection, media_type="application/geo+json")


@router.get("/events/{event_id}", response_model=Event, responses={404: {"model": ErrorBody}})
def get_event(state: State, event_id: str) -> Response:
    """One event record."""
    record = queries.event_record(state.pool.store().conn, event_id)
    if record is None:
        raise ApiError(404, f"no event {event_id!r}", "event_id")
    return _json(record)


@router.get("/incidents", response_model=IncidentPage, responses=ERRORS, summary="Incidents")
def list_incidents(state: State, flt: Filters, paging: Paging) -> Response:
    """Incidents with at least one matching report, all their reports merged; ordered by
    their newest matching report (`sort` is ignored, `order` applies)."""
    return _json(queries.incidents_page(state.pool.store(), flt, paging))


@router.get(
    "/incidents/{incident_id}", response_model=Incident, responses={404: {"model": ErrorBody}}
)
def get_incident(state: State, incident_id: str) -> Response:
    """One incident with every report (its sources and their evidence)."""
    incident = state.pool.store().incident(incident_id)
    if incident is None:
        raise ApiError(404, f"no incident {incident_id!r}", "incident_id")
    return _json(incident.model_dump_json())


@router.get("/counts", responses=ERRORS, summary="Events per day or week, by a field")
def get_counts(
    state: State,
    flt: Filters,
    interval: Annotated[str, Query(description="day or week (weeks start on Monday).")] = "day",
    by: Annotated[str, Query(description="event_type, sub_event_type, admin1 or country.")] = "event_type",
) -> Response:  # fmt: skip
    """Events and fatalities per period and value of `by`, for charts."""
    if interval not in queries.INTERVALS:
        raise ApiError(400, f"interval is day or week, not {interval!r}", "interval")
    if by not in queries.GROUP_COLUMNS:
        raise ApiError(400, f"by is one of {', '.join(queries.GROUP_COLUMNS)}, not {by!r}", "by")
    return _json(queries.dumps(queries.counts(state.pool.store().conn, flt, interval, by)))


@router.get("/articles/{article_id}", responses={404: {"model": ErrorBody}}, summary="An article")
def get_article(state: State, article_id: str) -> Response:
    """The clean text and metadata of an article, and each of its events with the evidence
    spans (character offsets into `text`) that support it. The text is untrusted: show it
    as text."""
    found = queries.article(state.pool.store().conn, article_id)
    if found is None:
        raise ApiError(404, f"no article {article_id!r}", "article_id")
    return _json(queries.dumps(found))


@router.get("/overview", summary="What the filters can offer")
def get_overview(state: State) -> Response:
    """Countries present (with counts), the event taxonomy, the date range, the total."""
    return _json(queries.dumps(queries.overview(state.pool.store().conn)))


@router.get("/config", summary="Dashboard settings")
def get_config(state: State) -> dict:
    """The optional online tile URL and whether ingest is enabled."""
    return {"tiles": state.tiles, "ingest": state.ingestor is not None}


@router.post(
    "/ingest",
    summary="Code a URL, an uploaded file or text (bearer token required)",
    responses={401: {"model": ErrorBody}, 403: {"model": ErrorBody}, 413: {"model": ErrorBody}},
    openapi_extra={"requestBody": {"content": {
        JSON: {"schema": IngestText.model_json_schema()},
        "multipart/form-data": {"schema": {"type": "object", "properties": {
            "file": {"type": "string", "format": "binary"}}}},
    }}},
)  # fmt: skip
async def post_ingest(state: State, request: Request) -> JSONResponse:
    """JSON `{"url": …}` or `{"text": …, "title"?, "date"?, "source"?, "source_url"?}`, or a
    multipart upload with a `file` field. Needs `Authorization: Bearer TOKEN`; disabled when
    the server has no token. Each document is coded once (its content hash is the key)."""
    if state.ingestor is None:
        raise ApiError(403, "ingest is disabled: start the server with --token (or SITREPS_TOKEN)")
    if not token_matches(state.token, request.headers.get("authorization")):
        raise ApiError(401, "a valid bearer token is required", "authorization")
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "multipart/form-data":
        outcomes = await _ingest_upload(state, request)
    elif content_type == JSON:
        outcomes = await _ingest_json(state, request)
    else:
        raise ApiError(415, "send application/json or multipart/form-data", "content-type")
    return JSONResponse({"results": [o.__dict__ for o in outcomes]})


async def _ingest_upload(state: ServerState, request: Request) -> list:
    form = await request.form(max_files=1, max_fields=5)
    upload = form.get("file")
    if upload is None or isinstance(upload, str):
        raise ApiError(400, "the form needs a 'file' field with the document", "file")
    data = await upload.read()
    name = f"upload:{upload.filename or 'document'}"
    return await state.ingestor.ingest([make_document(name, data)])


async def _ingest_json(state: ServerState, request: Request) -> list:
    try:
        body = IngestText.model_validate(json.loads(await request.body()))
    except (ValueError, TypeError) as exc:
        raise ApiError(400, f"not a valid ingest request: {exc}", "body") from None
    if (body.url is None) == (body.text is None):
        raise ApiError(400, "give either 'url' or 'text'", "body")
    if body.date is not None and not _is_iso_date(body.date):
        raise ApiError(400, f"date {body.date!r} is not an ISO date (YYYY-MM-DD)", "date")
    if body.url is not None:
        if not body.url.lower().startswith(URL_SCHEMES):
            raise ApiError(400, "the url must start with http:// or https://", "url")
        return await state.ingestor.ingest_url(body.url, state.max_upload_bytes)
    metadata = {"title": body.title, "date": body.date, "source": body.source,
                "url": body.source_url}  # fmt: skip
    document = make_document("api:text", body.text.encode("utf-8"), None,
                             **{k: v for k, v in metadata.items() if v})  # fmt: skip
    return await state.ingestor.ingest([document])


def _is_iso_date(value: str) -> bool:
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True
