/* global SwaggerUIBundle, SwaggerUIStandalonePreset */
// Kept in its own file so the page's Content-Security-Policy needs no 'unsafe-inline' script.
window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: '/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    layout: 'StandaloneLayout',
  });
});
