/* Does this browser draw WebGL? A large dataset's charts are WebGL traces (scattergl); without WebGL
 * (remote desktops, locked-down machines) plotly.js would fill both charts with "WebGL is not supported".
 *
 * - window.dash_clientside.viz.webglMissing tells the server, through the "webgl" store (a clientside
 *   callback, see viz/app/callbacks.py): it answers false without WebGL, and leaves the store alone
 *   otherwise, so a browser with WebGL sends no extra request. The server then sends SVG figures.
 * - Until they arrive, a figure with WebGL traces is drawn empty (its layout only): plotly.js's error never
 *   shows, and no half of a figure whose other half is missing.
 *
 * A file in assets/ (served from 'self') rather than inline code: the page's CSP allows no inline script
 * beyond Dash's own.
 */
(function () {
  'use strict';

  /* What plotly.js's scattergl needs (regl): a WebGL 1 context with these two extensions. */
  function drawsWebGL() {
    try {
      const canvas = document.createElement('canvas');
      const gl = canvas.getContext('webgl') || canvas.getContext('experimental-webgl');
      if (!gl) {
        return false;
      }
      const usable = Boolean(gl.getExtension('ANGLE_instanced_arrays') && gl.getExtension('OES_element_index_uint'));
      const lose = gl.getExtension('WEBGL_lose_context');
      if (lose) {
        lose.loseContext(); // a page may only hold a few contexts: give this one back
      }
      return usable;
    } catch (error) {
      return false;
    }
  }

  const webgl = drawsWebGL();
  const clientside = window.dash_clientside || {};
  window.dash_clientside = Object.assign({}, clientside, {
    viz: Object.assign({}, clientside.viz, {
      webglMissing: function () {
        return webgl ? window.dash_clientside.no_update : false;
      },
    }),
  });
  if (webgl) {
    return;
  }

  const isWebGL = (trace) => Boolean(trace) && /gl$/.test(trace.type || '');

  function withoutWebGL(data) {
    return Array.isArray(data) && data.some(isWebGL) ? [] : data;
  }

  /* dcc.Graph draws every figure with Plotly.react(gd, {data, layout, config, frames}). */
  function guard(plotly) {
    const react = plotly.react;
    plotly.react = function (gd, figure, ...rest) {
      if (Array.isArray(figure)) {
        figure = withoutWebGL(figure);
      } else if (figure && Array.isArray(figure.data)) {
        figure = Object.assign({}, figure, {data: withoutWebGL(figure.data)});
      }
      return react.call(this, gd, figure, ...rest);
    };
  }

  // Dash loads plotly.js (assets/vendor/) with its own scripts, before this one; should that change,
  // the charts are still first drawn only after the page has loaded.
  if (window.Plotly) {
    guard(window.Plotly);
  } else {
    document.addEventListener('DOMContentLoaded', () => window.Plotly && guard(window.Plotly));
  }
}());
