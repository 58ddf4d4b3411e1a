/* The workspace's keyboard and download details, as a file in assets/ (the CSP allows no inline script).
 *
 * - The modebar camera names its PNG after the view (dataset, filters, window, chart): the server sends the
 *   names with each view (the "file-names" store); just before plotly.js reads its download options (a click
 *   on the camera, caught on the way down), the graph's options get the current name. Setting the graphs'
 *   `config` instead would make plotly.js redraw each chart from scratch on every filter.
 * - A year typed into the time window's boxes applies on Enter, not only when the box loses focus.
 * - The side panel's tabs follow the ARIA tabs pattern: Left and Right arrows move between them.
 * - Names for what screen readers would otherwise announce without one (Dash 4.4's own markup): a dropdown
 *   is named by its label, then its value (Dash names it by its value only); the hidden input a dropdown
 *   uses as its tab stop (it passes the focus straight on to the dropdown) is named too, instead of being
 *   focusable while hidden from screen readers; the time window's year boxes say which year they hold;
 *   an upload's file input is named by its drop zone's text.
 *   Attributes React does not manage, so they stay put when it redraws.
 */
(function () {
  'use strict';

  let names = {};
  window.dash_clientside = Object.assign({}, window.dash_clientside);
  window.dash_clientside.viz = Object.assign({}, window.dash_clientside.viz, {
    nameDownloads(data) {
      names = data || {};
      return window.dash_clientside.no_update;
    },
  });

  document.addEventListener('click', (event) => {
    const button = event.target.closest && event.target.closest('.modebar-btn[data-title^="Download plot"]');
    const graph = button && button.closest('[id$="-graph"]');
    const plot = graph && graph.querySelector('.js-plotly-plot');
    const name = graph && names[graph.id.replace(/-graph$/, '')];
    if (plot && plot._context && name) {
      plot._context.toImageButtonOptions = Object.assign({}, plot._context.toImageButtonOptions, {filename: name});
    }
  }, true);

  function nameControls() {
    document.querySelectorAll('button.dash-dropdown[id]').forEach((button) => {
      const label = document.querySelector(`label[for="${CSS.escape(button.id)}"]`);
      if (!label) {
        return;
      }
      label.id = label.id || `${button.id}-label`;
      const named = button.getAttribute('aria-labelledby') || '';
      if (!named.split(' ').includes(label.id)) {
        button.setAttribute('aria-labelledby', `${label.id} ${named}`.trim());
      }
      const proxy = button.parentElement && button.parentElement.querySelector('.dash-dropdown-focus-target');
      if (proxy && proxy.getAttribute('aria-hidden')) {
        proxy.removeAttribute('aria-hidden');
        proxy.setAttribute('aria-label', label.textContent);
      }
    });
    document.querySelectorAll('.viz-upload-zone input[type=file]:not([aria-label])').forEach(
      (input) => input.setAttribute('aria-label', input.closest('.viz-upload-zone').textContent.trim()));
    document.querySelectorAll('.viz-window .dash-range-slider-min-input:not([aria-label])').forEach(
      (input) => input.setAttribute('aria-label', 'First year of the time window'));
    document.querySelectorAll('.viz-window .dash-range-slider-max-input:not([aria-label])').forEach(
      (input) => input.setAttribute('aria-label', 'Last year of the time window'));
  }
  let queued = false;
  new MutationObserver(() => {
    if (!queued) {
      queued = true;
      window.requestAnimationFrame(() => { queued = false; nameControls(); });
    }
  }).observe(document.documentElement, {childList: true, subtree: true});

  document.addEventListener('keydown', (event) => {
    const target = event.target;
    if (event.key === 'Enter' && target.matches && target.matches('.viz-window input')) {
      target.blur(); // the slider's box applies its year when it loses focus
      target.focus();
      return;
    }
    if ((event.key === 'ArrowRight' || event.key === 'ArrowLeft') && target.getAttribute &&
        target.getAttribute('role') === 'tab') {
      const tabs = Array.from(target.parentElement.querySelectorAll('[role="tab"]'));
      const next = tabs[(tabs.indexOf(target) + (event.key === 'ArrowRight' ? 1 : tabs.length - 1)) % tabs.length];
      next.focus();
      next.click();
      event.preventDefault();
    }
  });
}());
