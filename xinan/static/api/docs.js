/* Starts the vendored Swagger UI for /api/docs (no inline script, no CDN). A session caller's
   unsafe requests carry the CSRF token the page was rendered with. */
(function () {
  var body = document.querySelector("body").dataset;
  var config = JSON.parse(document.getElementById("swagger-settings").textContent);
  config.dom_id = "#swagger-ui";
  config.presets = [SwaggerUIBundle.presets.apis];
  if (body.apiCsrf && body.csrfToken) {
    config.requestInterceptor = function (req) {
      req.headers["X-CSRFToken"] = body.csrfToken;
      return req;
    };
  }
  window.ui = SwaggerUIBundle(config);
})();
