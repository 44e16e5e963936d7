// Starts the packaged Swagger UI on this server's OpenAPI description (no CDN, no inline script).
if (typeof window.SwaggerUIBundle === "function") {
  document.getElementById("docs-fallback").classList.add("hidden");
  window.SwaggerUIBundle({ url: "openapi.json", dom_id: "#swagger-ui", deepLinking: true });
}
