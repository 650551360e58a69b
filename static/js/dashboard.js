// The district dashboard's charts: each [data-chart] box names the json_script element that
// holds its data (no inline script: CSP). The table under each chart holds the same figures.
(function () {
  if (typeof echarts === "undefined") return;
  const tooltip = { renderMode: "richText", confine: true };

  function option(data) {
    if (data.kind === "pie") {
      return {
        tooltip: { ...tooltip, trigger: "item" },
        legend: { bottom: 0, type: "scroll" },
        series: [{
          type: "pie", radius: ["35%", "65%"],
          data: data.categories.map((name, i) => ({ name, value: data.series[0].data[i] })),
        }],
      };
    }
    const named = data.series.length > 1;
    return {
      tooltip: { ...tooltip, trigger: "axis" },
      legend: named ? { bottom: 0, type: "scroll" } : undefined,
      grid: { left: 40, right: 16, top: 16, bottom: named ? 56 : 32, containLabel: true },
      xAxis: { type: "category", data: data.categories,
               axisLabel: { interval: 0, rotate: data.categories.length > 6 ? 40 : 0 } },
      yAxis: { type: "value", minInterval: 1 },
      series: data.series.map((s) => ({
        name: s.name, data: s.data,
        type: data.kind === "line" ? "line" : "bar",
        stack: data.kind === "stacked" ? "all" : undefined,
      })),
    };
  }

  const charts = [];
  document.querySelectorAll("[data-chart]").forEach((box) => {
    const source = document.getElementById(box.dataset.chart);
    if (!source) return;
    const chart = echarts.init(box, null, { locale: "ZH", renderer: "canvas" });
    chart.setOption(option(JSON.parse(source.textContent)));
    charts.push(chart);
  });
  window.addEventListener("resize", () => charts.forEach((chart) => chart.resize()));
})();
