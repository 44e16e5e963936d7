// The map: country boundaries from the packaged Natural Earth TopoJSON (no tile server
// needed), an optional online tile layer, and the events as clustered circles coloured by
// type and sized by fatalities. Tooltips are DOM nodes built from text, never HTML strings.

import { el } from "./dom.js";
import { typeColor } from "./colors.js";

const BOUNDARIES_URL = "static/vendor/world-atlas/countries-50m.json";
const BOUNDARY_STYLE = { color: "#8a9199", weight: 0.6, fillColor: "#eef0e8", fillOpacity: 1 };
const BOUNDARY_STYLE_OVER_TILES = { color: "#555", weight: 0.6, fill: false };

const ANTARCTICA = "010"; // ISO 3166-1 numeric: its outline runs to the pole, useless in Mercator

/** A ring with continuous longitudes: shapes that cross the antimeridian (Russia, Fiji) are
 * drawn past 180° instead of as lines across the whole map. */
function unwrapRing(ring) {
  let shift = 0;
  return ring.map(([lon, lat], i) => {
    const jump = i > 0 ? lon - ring[i - 1][0] : 0;
    if (jump > 180) shift -= 360;
    else if (jump < -180) shift += 360;
    return [lon + shift, lat];
  });
}

function unwrapFeature(feature) {
  const geometry = feature.geometry;
  if (geometry && geometry.type === "Polygon") geometry.coordinates = geometry.coordinates.map(unwrapRing);
  if (geometry && geometry.type === "MultiPolygon") {
    geometry.coordinates = geometry.coordinates.map((polygon) => polygon.map(unwrapRing));
  }
  return feature;
}

/** Marker radius in pixels: 5 for an unknown or zero toll, growing with its square root. */
export function markerRadius(fatalities) {
  return 5 + Math.min(18, 2 * Math.sqrt(Math.max(0, fatalities || 0)));
}

export class EventMap {
  constructor(container, { tiles, onSelect }) {
    this.container = container;
    this.onSelect = onSelect;
    this.tiles = tiles;
    this.markers = new Map();
    this.selected = null;
    this.map = L.map(container, { worldCopyJump: true, minZoom: 1, maxZoom: 15, zoomSnap: 0.5 });
    this.map.setView([20, 20], 2);
    this.map.attributionControl.setPrefix(false);
    this.map.createPane("boundaries").style.zIndex = 250;
    if (tiles) {
      L.tileLayer(tiles, { maxZoom: 18, attribution: "tiles: configured server" }).addTo(this.map);
    }
    this.clusters = L.markerClusterGroup({
      showCoverageOnHover: false,
      maxClusterRadius: 36,
      chunkedLoading: true,
      spiderfyOnMaxZoom: true,
    });
    this.clusters.addTo(this.map);
  }

  /** Draws the packaged country boundaries (resolves when they are on the map). */
  async loadBoundaries() {
    const response = await fetch(BOUNDARIES_URL);
    if (!response.ok) throw new Error(`country boundaries: HTTP ${response.status}`);
    const topology = await response.json();
    const countries = topojson.feature(topology, topology.objects.countries);
    countries.features = countries.features.filter((f) => f.id !== ANTARCTICA).map(unwrapFeature);
    L.geoJSON(countries, {
      pane: "boundaries",
      interactive: false,
      renderer: L.canvas({ pane: "boundaries" }),
      style: this.tiles ? BOUNDARY_STYLE_OVER_TILES : BOUNDARY_STYLE,
    }).addTo(this.map);
    this.map.attributionControl.addAttribution("boundaries: Natural Earth");
  }

  /** Replaces the markers with a GeoJSON FeatureCollection's points; fits the view to them. */
  show(collection, { fit = true } = {}) {
    this.clusters.clearLayers();
    this.markers.clear();
    this.selected = null;
    const layers = [];
    for (const feature of collection.features) {
      const marker = this.makeMarker(feature);
      this.markers.set(feature.id, marker);
      layers.push(marker);
    }
    this.clusters.addLayers(layers);
    this.container.dataset.markers = String(layers.length);
    this.container.dataset.total = String(collection.total);
    if (fit && layers.length) {
      const bounds = L.latLngBounds(layers.map((m) => m.getLatLng()));
      this.map.fitBounds(bounds.pad(0.4), { maxZoom: 7, animate: false });
    }
  }

  makeMarker(feature) {
    const [lon, lat] = feature.geometry.coordinates;
    const p = feature.properties;
    const marker = L.circleMarker([lat, lon], {
      radius: markerRadius(p.fatalities),
      color: "#222",
      weight: 1,
      fillColor: typeColor(p.event_type),
      fillOpacity: 0.8,
      className: "ev-marker",
    });
    marker.eventId = feature.id;
    marker.properties = p;
    marker.bindTooltip(() => tooltip(p), { direction: "top" });
    marker.on("click", () => this.onSelect(feature.id));
    return marker;
  }

  /** Outlines the selected event's marker (and shows it if it sits in a cluster). */
  highlight(eventId) {
    if (this.selected) this.selected.setStyle({ weight: 1, color: "#222" });
    delete this.container.dataset.selected;
    this.selected = this.markers.get(eventId) || null;
    if (!this.selected) return;
    const marker = this.selected;
    this.clusters.zoomToShowLayer(marker, () => {
      marker.setStyle({ weight: 3, color: "#000" });
      this.container.dataset.selected = eventId;
    });
  }

  /** The events on the map (for tests and debugging): id, type and coordinates. */
  summary() {
    return [...this.markers.values()].map((m) => ({
      id: m.eventId,
      lat: m.getLatLng().lat,
      lon: m.getLatLng().lng,
      event_type: m.properties.event_type,
      sub_event_type: m.properties.sub_event_type,
      country: m.properties.country,
    }));
  }
}

function tooltip(p) {
  const deaths = p.fatalities === null || p.fatalities === undefined ? "" : ` · ${p.fatalities} killed`;
  return el(
    "div",
    { className: "map-tip" },
    el("strong", {}, p.sub_event_type),
    el("div", {}, `${p.date || "undated"} · ${p.location || "?"}${p.country ? `, ${p.country}` : ""}${deaths}`),
    p.actor1 ? el("div", {}, p.actor2 ? `${p.actor1} — ${p.actor2}` : p.actor1) : null,
  );
}
