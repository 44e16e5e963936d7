// Copies the pinned front-end libraries from node_modules into the Python package
// (src/sitreps/serve/static/vendor/, git-ignored), so the server needs nothing from outside.
// Run by `make install` after `npm ci`: node build.mjs
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const modules = join(here, "node_modules");
const vendor = join(here, "..", "src", "sitreps", "serve", "static", "vendor");

// package -> [source path in the package, destination under vendor/]
const FILES = {
  leaflet: [
    ["dist/leaflet.js", "leaflet/leaflet.js"],
    ["dist/leaflet.css", "leaflet/leaflet.css"],
    ["dist/images", "leaflet/images"],
    ["LICENSE", "leaflet/LICENSE"],
  ],
  "leaflet.markercluster": [
    ["dist/leaflet.markercluster.js", "markercluster/leaflet.markercluster.js"],
    ["dist/MarkerCluster.css", "markercluster/MarkerCluster.css"],
    ["dist/MarkerCluster.Default.css", "markercluster/MarkerCluster.Default.css"],
    ["MIT-LICENCE.txt", "markercluster/LICENSE"],
  ],
  "topojson-client": [
    ["dist/topojson-client.min.js", "topojson/topojson-client.min.js"],
    ["LICENSE", "topojson/LICENSE"],
  ],
  "world-atlas": [
    ["countries-50m.json", "world-atlas/countries-50m.json"],
    ["LICENSE", "world-atlas/LICENSE"],
  ],
  "swagger-ui-dist": [
    ["swagger-ui-bundle.js", "swagger-ui/swagger-ui-bundle.js"],
    ["swagger-ui.css", "swagger-ui/swagger-ui.css"],
    ["LICENSE", "swagger-ui/LICENSE"],
    ["NOTICE", "swagger-ui/NOTICE"],
  ],
};

rmSync(vendor, { recursive: true, force: true });
const versions = {};
for (const [name, files] of Object.entries(FILES)) {
  const root = join(modules, name);
  if (!existsSync(root)) {
    console.error(`missing ${root}: run npm ci in web/ first`);
    process.exit(1);
  }
  versions[name] = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).version;
  for (const [source, target] of files) {
    const from = join(root, source);
    if (!existsSync(from)) {
      console.error(`missing ${from}`);
      process.exit(1);
    }
    mkdirSync(dirname(join(vendor, target)), { recursive: true });
    cpSync(from, join(vendor, target), { recursive: true });
  }
}
writeFileSync(join(vendor, "versions.json"), JSON.stringify(versions, null, 2) + "\n");
console.log(`vendored ${Object.keys(versions).length} packages -> ${vendor}`);
