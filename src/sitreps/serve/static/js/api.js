// The API client: relative URLs, so the dashboard also works under a reverse proxy's prefix.

export const FILTER_NAMES = ["since", "until", "country", "type", "actor", "text", "min_fatalities"];

export class ApiError extends Error {
  constructor(status, body) {
    super(body && body.error ? body.error : `HTTP ${status}`);
    this.status = status;
    this.field = body ? body.field : null;
  }
}

/** GET a JSON resource under api/ with query parameters (empty values left out). */
export async function getJson(path, params = {}) {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== "") query.set(name, String(value));
  }
  const search = query.toString();
  const url = `api/${path}${search ? `?${search}` : ""}`;
  const response = await fetch(url, { headers: { Accept: "application/json" } });
  const body = await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, body);
  return body;
}

/** The filters without the date range (the timeline shows every date of the other filters). */
export function withoutDates(filters) {
  const { since, until, ...rest } = filters;
  return rest;
}
