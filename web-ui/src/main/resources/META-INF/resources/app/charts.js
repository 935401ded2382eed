// ECharts (from its WebJar, bundled in the jar) for every chart and the heat-map.
import * as echarts from '/webjars/echarts/5.3.1/dist/echarts.esm.min.js';

window.echarts = echarts; // scripts and the UI tests read charts through echarts.getInstanceByDom

function instance(el) {
  return echarts.getInstanceByDom(el) || echarts.init(el, null, { renderer: 'canvas' });
}

const base = { animation: false, textStyle: { fontSize: 11 }, grid: { left: 60, right: 24, top: 34, bottom: 40 } };

/** Lines of [x, y] points: series = [{name, data: [[x, y], …]}]. */
export function lines(el, title, series, { xName = 'step', yLog = false, yName = '' } = {}) {
  const c = instance(el);
  c.setOption({
    ...base,
    title: { text: title, textStyle: { fontSize: 12 }, left: 4, top: 2 },
    tooltip: { trigger: 'axis' },
    legend: { type: 'scroll', top: 2, left: 140, right: 10, textStyle: { fontSize: 11 } },
    xAxis: { type: 'value', name: xName, nameLocation: 'middle', nameGap: 22, scale: true },
    yAxis: { type: yLog ? 'log' : 'value', name: yName, scale: true },
    dataZoom: [{ type: 'inside' }],
    series: series.map(s => ({ name: s.name, type: 'line', showSymbol: s.data.length < 30, data: s.data })),
  }, true);
  return c;
}

/** Layers × experts heat-map of shares (0..1); rows = layer names, cols = expert indices. */
export function heatmap(el, title, layers, experts, cells) {
  const c = instance(el);
  c.setOption({
    ...base,
    grid: { left: 8, right: 80, top: 30, bottom: 40, containLabel: true },
    title: { text: title, textStyle: { fontSize: 12 }, left: 4, top: 2 },
    tooltip: { formatter: p => `layer ${layers[p.value[1]]}, expert ${experts[p.value[0]]}: ${(100 * p.value[2]).toFixed(1)}% of frames` },
    xAxis: { type: 'category', data: experts.map(String), name: 'expert', nameLocation: 'middle', nameGap: 22 },
    yAxis: { type: 'category', data: layers, inverse: true },
    visualMap: { min: 0, max: Math.max(0.01, ...cells.map(x => x[2])), calculable: true, orient: 'vertical', right: 4, top: 30,
      inRange: { color: ['#f7fbff', '#6baed6', '#08306b'] }, formatter: v => (100 * v).toFixed(0) + '%' },
    series: [{ name: 'share of frames', type: 'heatmap', data: cells,
      label: { show: experts.length <= 16, formatter: p => (100 * p.value[2]).toFixed(0), fontSize: 10 } }],
  }, true);
  return c;
}

/** Scatter/line of CER against x, one series per group; marked points get a red border. */
export function pareto(el, title, xName, groups, { xLog = false } = {}) {
  const c = instance(el);
  c.setOption({
    ...base,
    title: { text: title, textStyle: { fontSize: 12 }, left: 4, top: 2 },
    tooltip: { trigger: 'item', formatter: p => `${p.data.label || ''}<br>${xName}: ${p.data.value[0]}<br>CER ${p.data.value[1]}%${p.data.stopped ? '<br>early-stopped' : ''}` },
    legend: { top: 2, left: 160, textStyle: { fontSize: 11 } },
    xAxis: { type: xLog ? 'log' : 'value', name: xName, nameLocation: 'middle', nameGap: 22, scale: true },
    yAxis: { type: 'value', name: 'CER %', nameLocation: 'middle', nameGap: 38, scale: true },
    series: groups.map(g => ({
      name: g.name, type: 'line', symbolSize: 9,
      data: g.points.map(p => ({ value: [p.x, p.y], label: p.label, stopped: p.stopped,
        symbol: p.stopped ? 'triangle' : 'circle',
        itemStyle: p.stopped ? { borderColor: '#b3261e', borderWidth: 2 } : undefined })),
    })),
  }, true);
  return c;
}

export function dispose(root) {
  root.querySelectorAll('[_echarts_instance_]').forEach(el => echarts.getInstanceByDom(el)?.dispose());
}

window.addEventListener('resize', () => document.querySelectorAll('[_echarts_instance_]')
  .forEach(el => echarts.getInstanceByDom(el)?.resize()));
