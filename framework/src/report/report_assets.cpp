// The report page's CSS and JavaScript: plain, no library, nothing fetched.
// Tested in tests/report/browser_test.py, tests/report/test_report_html.cpp
#include "report/report_assets.hpp"

namespace seqlab {

const char* const kReportCss = R"css(
body { font: 14px/1.45 system-ui, sans-serif; margin: 1.5em auto; max-width: 1200px; padding: 0 1em; color: #222; }
h1 { margin-bottom: 0.2em; }
h2 { margin-top: 1.6em; border-bottom: 1px solid #ddd; }
.state { color: #555; }
.state b.live { color: #b35900; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
th, td { padding: 3px 8px; border-bottom: 1px solid #eee; text-align: left; white-space: nowrap; }
#runs th { cursor: pointer; user-select: none; background: #f5f5f5; position: sticky; top: 0; }
#runs th:hover { background: #e8e8e8; }
#runs th[aria-sort=ascending]::after { content: " \25b2"; }
#runs th[aria-sort=descending]::after { content: " \25bc"; }
#runs td.num { text-align: right; }
#runs tr.failed td { color: #a00; }
.scroll { overflow-x: auto; max-height: 70vh; }
#filter { font: inherit; padding: 3px 6px; width: 24em; margin: 0.5em 0.5em 0.5em 0; }
figure { margin: 1em 0 2em; }
figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
figcaption, .note { color: #555; }
.note { font-style: italic; }
pre { background: #f7f7f7; padding: 0.6em; overflow-x: auto; }
)css";

const char* const kReportScript = R"js(
(function () {
  'use strict';
  var table = document.getElementById('runs');
  var filter = document.getElementById('filter');
  var count = document.getElementById('count');
  var state = { col: -1, dir: 1, text: '' };

  function remember() {
    var hash = '#sort=' + state.col + '&dir=' + state.dir + '&filter=' + encodeURIComponent(state.text);
    try { location.replace(hash); } catch (e) { /* an old browser: the state is only lost on reload */ }
  }
  function cellKey(cell, numeric) {
    var v = cell.getAttribute('data-value');
    if (v === null) v = cell.textContent;
    if (v === '') return null;
    if (!numeric) return v.toLowerCase();
    var x = parseFloat(v);
    return isNaN(x) ? null : x;
  }
  function sortBy(col, dir) {
    var headers = table.tHead.rows[0].cells;
    var numeric = headers[col].getAttribute('data-type') === 'number';
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = cellKey(a.cells[col], numeric), y = cellKey(b.cells[col], numeric);
      if (x === null) return y === null ? 0 : 1;  // blanks last, either way round
      if (y === null) return -1;
      return (x < y ? -1 : x > y ? 1 : 0) * dir;
    });
    rows.forEach(function (row) { body.appendChild(row); });
    for (var i = 0; i < headers.length; ++i) headers[i].removeAttribute('aria-sort');
    headers[col].setAttribute('aria-sort', dir > 0 ? 'ascending' : 'descending');
    state.col = col;
    state.dir = dir;
  }
  function applyFilter(text) {
    var needle = text.toLowerCase();
    var rows = table.tBodies[0].rows, shown = 0;
    for (var i = 0; i < rows.length; ++i) {
      var hit = rows[i].textContent.toLowerCase().indexOf(needle) >= 0;
      rows[i].hidden = !hit;
      if (hit) ++shown;
    }
    count.textContent = shown + ' of ' + rows.length + ' rows';
    state.text = text;
  }

  if (table) {
    var headers = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(headers, function (th, col) {
      th.tabIndex = 0;
      var click = function () {
        sortBy(col, state.col === col ? -state.dir : 1);
        remember();
      };
      th.addEventListener('click', click);
      th.addEventListener('keydown', function (e) { if (e.key === 'Enter') click(); });
    });
    filter.addEventListener('input', function () {
      applyFilter(filter.value);
      remember();
    });
    var saved = {};
    location.hash.replace(/^#/, '').split('&').forEach(function (part) {
      var eq = part.indexOf('=');
      if (eq > 0) saved[part.slice(0, eq)] = decodeURIComponent(part.slice(eq + 1));
    });
    var col = parseInt(saved.sort, 10);
    if (col >= 0 && col < headers.length) sortBy(col, saved.dir === '-1' ? -1 : 1);
    filter.value = saved.filter || '';
    applyFilter(filter.value);
  }

  var reload = parseInt(document.body.getAttribute('data-reload'), 10);
  if (reload > 0) {
    var later = function () {
      if (filter && document.activeElement === filter) setTimeout(later, reload * 1000);
      else location.reload();
    };
    setTimeout(later, reload * 1000);
  }
})();
)js";

}  // namespace seqlab
