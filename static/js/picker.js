/* Search pickers (core/pickers.py): each [data-picker] holds a <select> of what is chosen and a
   plain search box for browsers without JavaScript. Here the box goes away and the select
   becomes a Tom Select combobox that asks the picker's source as one types. Tom Select (vendored)
   is loaded only on pages that have a picker. */
(function () {
  "use strict";
  var pickers = document.querySelectorAll("[data-picker]");
  if (!pickers.length) return;
  var script = document.currentScript;

  function escape(text) {
    var div = document.createElement("div");
    div.textContent = text == null ? "" : String(text);
    return div.innerHTML;
  }

  function start(box) {
    var select = box.querySelector("select");
    var search = box.querySelector(".picker-search");
    if (search) search.remove();
    var url = box.getAttribute("data-source");
    var multiple = box.hasAttribute("data-multiple");
    var empty = box.getAttribute("data-empty");
    var asked = 0;
    // The "(none)" line is for browsers without JavaScript; here the placeholder shows an
    // empty choice and a clear button empties it.
    var blank = select.querySelector("option[value='']");
    if (blank) blank.remove();
    var plugins = {};
    if (multiple) plugins.remove_button = {title: box.getAttribute("data-remove")};
    else if (!select.required) plugins.clear_button = {title: box.getAttribute("data-clear")};
    new window.TomSelect(select, {
      valueField: "value",
      labelField: "label",
      searchField: [],
      maxOptions: null,
      preload: "focus",
      loadThrottle: 250,
      placeholder: box.getAttribute("data-placeholder"),
      plugins: plugins,
      score: function () { return function () { return 1; }; },
      shouldLoad: function () { return true; },
      load: function (query, callback) {
        var self = this;
        var mine = ++asked;  // an older answer arriving late must not replace a newer one
        var sep = url.indexOf("?") === -1 ? "?" : "&";
        fetch(url + sep + "q=" + encodeURIComponent(query), {
          credentials: "same-origin", headers: {"Accept": "application/json"}
        }).then(function (response) {
          if (!response.ok) throw new Error(response.status);
          return response.json();
        }).then(function (data) {
          if (mine !== asked) return callback();
          self.clearOptions();
          callback(data.results);
        }).catch(function () { callback(); });
      },
      render: {
        option: function (data) {
          var detail = data.detail ? '<small class="d-block text-body-secondary">' + escape(data.detail) + "</small>" : "";
          return "<div>" + escape(data.label) + detail + "</div>";
        },
        item: function (data) { return "<div>" + escape(data.label) + "</div>"; },
        no_results: function () { return '<div class="no-results">' + escape(empty) + "</div>"; }
      }
    });
    // Tom Select points the label at its own combobox and keeps the select only to submit:
    // out of the tab order, and now out of what screen readers list, so one field is heard.
    select.setAttribute("aria-hidden", "true");
  }

  function startAll() { pickers.forEach(start); }

  if (window.TomSelect) { startAll(); return; }
  var css = document.createElement("link");
  css.rel = "stylesheet";
  css.href = script.getAttribute("data-css");
  document.head.appendChild(css);
  var lib = document.createElement("script");
  lib.src = script.getAttribute("data-js");
  lib.onload = startAll;
  document.head.appendChild(lib);
})();
