// Cornerstone evidence site: each chart's PNG button draws the chart shown on the page (an inline
// SVG carrying its citation) onto a canvas at twice screen resolution and saves it as <id>.png.
// It needs no server: the SVG is serialised to a blob URL of the page's own origin, so the canvas
// stays readable from a file:// page too. Without JavaScript the buttons stay hidden; the SVG and
// CSV links still work, and `cornerstone report --png` writes PNG files instead.
(function () {
  "use strict";

  var SCALE = 2; // canvas pixels per CSS pixel: 8 in charts become 1536 px wide

  // chartPNG resolves to a PNG Blob of the chart in the figure with this id.
  function chartPNG(id) {
    return new Promise(function (resolve, reject) {
      var figure = document.getElementById(id);
      var svg = figure && figure.querySelector("svg");
      if (!svg) {
        reject(new Error("no chart " + id + " on this page"));
        return;
      }
      var box = svg.viewBox.baseVal; // in points
      var w = Math.round(box.width * 4 / 3 * SCALE);
      var h = Math.round(box.height * 4 / 3 * SCALE);
      var xml = new XMLSerializer().serializeToString(svg);
      var url = URL.createObjectURL(new Blob([xml], { type: "image/svg+xml" }));
      var img = new Image();
      img.onload = function () {
        var canvas = document.createElement("canvas");
        canvas.width = w;
        canvas.height = h;
        var ctx = canvas.getContext("2d");
        ctx.fillStyle = "#fff";
        ctx.fillRect(0, 0, w, h);
        ctx.drawImage(img, 0, 0, w, h);
        URL.revokeObjectURL(url);
        canvas.toBlob(function (blob) {
          if (blob) {
            resolve(blob);
          } else {
            reject(new Error("the browser could not encode chart " + id + " as PNG"));
          }
        }, "image/png");
      };
      img.onerror = function () {
        URL.revokeObjectURL(url);
        reject(new Error("the browser could not draw chart " + id));
      };
      img.src = url;
    });
  }

  function save(blob, name) {
    var a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(function () { URL.revokeObjectURL(a.href); }, 60000);
  }

  document.addEventListener("click", function (ev) {
    var button = ev.target.closest && ev.target.closest("button[data-chart]");
    if (!button) {
      return;
    }
    var id = button.getAttribute("data-chart");
    button.disabled = true;
    chartPNG(id).then(function (blob) {
      save(blob, id + ".png");
    }, function (err) {
      button.insertAdjacentText("afterend", " (" + err.message + ")");
    }).then(function () {
      button.disabled = false;
    });
  });

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("button[data-chart]").forEach(function (b) { b.hidden = false; });
  });

  window.cornerstoneChartPNG = chartPNG; // for tests and for scripting a page
})();
