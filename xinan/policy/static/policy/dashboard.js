/* 合规仪表盘: draws the charts from the JSON the page carries (json_script "compliance-data").
   No inline script, no CDN: ECharts is the vendored build loaded before this file. */
(function () {
  "use strict";

  function start() {
    var source = document.getElementById("compliance-data");
    if (!source || typeof echarts === "undefined") return;
    var data = JSON.parse(source.textContent);
    var charts = [];

    function chart(id) {
      var el = document.getElementById(id);
      if (!el) return null;
      var c = echarts.init(el, null, { renderer: "canvas" });
      charts.push(c);
      return c;
    }

    function go(url) {
      if (url) window.location.href = url;
    }

    // Overall: a gauge of the compliance rate and a ring of the clauses by status.
    var overall = chart("chart-overall");
    if (overall) {
      var statuses = data.overall.statuses.filter(function (s) { return s.value > 0; });
      overall.setOption({
        animation: false,
        tooltip: { trigger: "item" },
        legend: { bottom: 0, itemWidth: 12, itemHeight: 10, textStyle: { fontSize: 11 } },
        series: [
          {
            type: "gauge", center: ["25%", "45%"], radius: "62%", min: 0, max: 100,
            progress: { show: true, width: 12 }, axisLine: { lineStyle: { width: 12 } },
            axisTick: { show: false }, splitLine: { length: 6 }, axisLabel: { distance: 16, fontSize: 9 },
            pointer: { show: false }, anchor: { show: false },
            title: { offsetCenter: [0, "36%"], fontSize: 12 },
            detail: { valueAnimation: false, offsetCenter: [0, "0%"], fontSize: 24, formatter: "{value}%" },
            data: [{ value: data.overall.percent, name: data.overall.label }]
          },
          {
            type: "pie", center: ["74%", "45%"], radius: ["34%", "58%"], avoidLabelOverlap: true,
            label: { show: false }, labelLine: { show: false },
            data: statuses.map(function (s) {
              return { name: s.name, value: s.value, url: s.url, itemStyle: { color: s.colour } };
            })
          }
        ]
      });
      overall.on("click", function (p) { go(p.data && p.data.url); });
    }

    // Per domain: stacked horizontal bars of the clauses by status.
    var domains = chart("chart-domains");
    if (domains) {
      var d = data.domains;
      domains.setOption({
        animation: false,
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
        legend: { top: 0 },
        grid: { left: 8, right: 24, top: 36, bottom: 8, containLabel: true },
        xAxis: { type: "value" },
        yAxis: { type: "category", inverse: true, data: d.labels },
        series: d.series.map(function (s) {
          return { name: s.name, type: "bar", stack: "clauses", data: s.data, itemStyle: { color: s.colour },
                   emphasis: { focus: "series" } };
        })
      });
      domains.on("click", function (p) { go(d.urls[p.dataIndex]); });
    }

    // Per department: open violations and warnings of the subjects each department owns.
    var departments = chart("chart-departments");
    if (departments) {
      var dep = data.departments;
      departments.setOption({
        animation: false,
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
        legend: { top: 0 },
        grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
        xAxis: { type: "category", data: dep.labels, axisLabel: { interval: 0, rotate: dep.labels.length > 6 ? 30 : 0 } },
        yAxis: { type: "value", minInterval: 1 },
        series: dep.series.map(function (s) {
          return { name: s.name, type: "bar", stack: "findings", data: s.data, itemStyle: { color: s.colour } };
        })
      });
      departments.on("click", function (p) { go(dep.urls[p.dataIndex]); });
    }

    // Trend: rates (left axis, %) and open findings (right axis).
    var trend = chart("chart-trend");
    if (trend) {
      var t = data.trend;
      trend.setOption({
        animation: false,
        tooltip: { trigger: "axis" },
        legend: { top: 0 },
        grid: { left: 8, right: 32, top: 60, bottom: 8, containLabel: true },
        xAxis: { type: "category", data: t.days, boundaryGap: false },
        yAxis: [
          { type: "value", name: t.axes[0], min: 0, max: 100 },
          { type: "value", name: t.axes[1], minInterval: 1 }
        ],
        series: t.series.map(function (s) {
          return { name: s.name, type: "line", yAxisIndex: s.axis, data: s.data, showSymbol: t.days.length < 2,
                   step: s.axis === 1 ? "end" : false, connectNulls: true };
        })
      });
    }

    window.addEventListener("resize", function () {
      charts.forEach(function (c) { c.resize(); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
