// The charts of a run, drawn by Apache ECharts on the server side as SVG.
import * as echarts from "echarts";
import { NOT_MEASURED, mb, ms, times, whole } from "./format.ts";
import type { Results } from "./report.ts";
import { BASELINE } from "./throughput.ts";

const WIDTH = 760;
const FONT = { fontFamily: "sans-serif", fontSize: 12 };

function render(option: echarts.EChartsOption, height = 360): string {
  const chart = echarts.init(null, null, { renderer: "svg", ssr: true, width: WIDTH, height });
  try {
    chart.setOption({ animation: false, backgroundColor: "#ffffff", textStyle: FONT, ...option });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

const title = (text: string, subtext: string): echarts.EChartsOption["title"] => ({ text, subtext, left: "center" });

/** Scenario 1: requests per second of each server, with its ratio to node:http. */
function throughputChart(results: Results): string {
  const rows = [...results.throughput].reverse();
  return render({
    title: title("GET /, one connection per request", `requests per second (× ${BASELINE} in the same run)`),
    grid: { left: 190, right: 90, top: 70, bottom: 40 },
    xAxis: { type: "value", name: "req/s", nameLocation: "middle", nameGap: 26 },
    yAxis: { type: "category", data: rows.map((row) => (row.keepAlive ? `${row.label} (ref.)` : row.label)) },
    series: [
      {
        type: "bar",
        data: rows.map((row) => ({
          value: row.perSecond,
          itemStyle: { color: row.label.startsWith(BASELINE) ? "#8c8c8c" : "#5470c6" },
        })),
        label: {
          show: true,
          position: "right",
          formatter: (p) => `${whole(Number(p.value))} · ${times(rows[p.dataIndex]?.ratio ?? Number.NaN)}`,
        },
      },
    ],
  });
}

/** Scenario 2: GET / p99 alone and during /sleep load, as points on a log scale. */
function headOfLineChart(results: Results): string {
  const rows = results.headOfLine;
  const points = (
    name: string,
    values: number[],
    color: string,
    symbol: string,
    side: "left" | "right",
  ): echarts.ScatterSeriesOption => ({
    name,
    type: "scatter",
    symbol,
    symbolSize: 16,
    data: values,
    itemStyle: { color },
    label: { show: true, position: side, formatter: (p) => ms(Number(p.value)) },
  });
  return render({
    title: title(
      "Head-of-line blocking: GET / p99",
      `alone, and while ${results.settings.sleepers} clients keep requesting /sleep (${ms(results.settings.sleepMs)})`,
    ),
    legend: { bottom: 0 },
    grid: { left: 70, right: 30, top: 80, bottom: 60 },
    xAxis: { type: "category", data: rows.map((row) => row.stage), axisLabel: { interval: 0 } },
    yAxis: { type: "log", name: "ms (log scale)" },
    series: [
      points(
        "alone",
        rows.map((row) => row.idle.p99Ms),
        "#3ba272",
        "circle",
        "left",
      ),
      points(
        "during /sleep load",
        rows.map((row) => row.busy.p99Ms),
        "#ee6666",
        "diamond",
        "right",
      ),
    ],
  });
}

/** Scenario 3: a thread per connection against a pool, in speed and in memory. */
function threadsChart(results: Results): string {
  const rows = results.threads.rows;
  const stages = rows.map((row) => row.stage);
  return render({
    title: title(
      "The cost of a thread",
      `${rows[0]?.connections ?? "?"} clients; starting a thread takes ${ms(results.threads.startMs)}, an idle one holds ${mb(results.threads.mbPerThread)}`,
    ),
    grid: [
      { left: 70, right: "55%", top: 95, bottom: 40 },
      { left: "58%", right: 30, top: 95, bottom: 40 },
    ],
    xAxis: [
      { type: "category", data: stages, gridIndex: 0, axisLabel: { interval: 0 } },
      { type: "category", data: stages, gridIndex: 1, axisLabel: { interval: 0 } },
    ],
    yAxis: [
      { type: "value", name: "connections/s", gridIndex: 0 },
      { type: "value", name: "peak RSS, MB", gridIndex: 1 },
    ],
    series: [
      {
        type: "bar",
        xAxisIndex: 0,
        yAxisIndex: 0,
        data: rows.map((row) => row.perSecond),
        itemStyle: { color: "#5470c6" },
        label: { show: true, position: "top", formatter: (p) => whole(Number(p.value)) },
      },
      {
        type: "bar",
        xAxisIndex: 1,
        yAxisIndex: 1,
        data: rows.map((row) => row.peakRssMb),
        itemStyle: { color: "#fac858" },
        label: {
          show: true,
          position: "top",
          formatter: (p) =>
            p.value == null ? NOT_MEASURED : `${mb(Number(p.value))}, ${rows[p.dataIndex]?.maxThreads ?? "?"} threads`,
        },
      },
    ],
  });
}

/** Scenario 4: no-op jobs per second through each pool. */
function dispatchChart(results: Results): string {
  const { dispatch } = results;
  return render(
    {
      title: title("Pool dispatch", `no-op jobs per second, ${dispatch.threads} threads each`),
      grid: { left: 170, right: 90, top: 70, bottom: 40 },
      xAxis: { type: "value", name: "jobs/s", nameLocation: "middle", nameGap: 26 },
      yAxis: { type: "category", data: ["Piscina", "ThreadPool (stage 10)"] },
      series: [
        {
          type: "bar",
          data: [
            { value: dispatch.piscina.perSecond, itemStyle: { color: "#8c8c8c" } },
            { value: dispatch.threadPool.perSecond, itemStyle: { color: "#5470c6" } },
          ],
          label: {
            show: true,
            position: "right",
            formatter: (p) => `${whole(Number(p.value))} · ${times(p.dataIndex === 1 ? dispatch.ratio : 1)}`,
          },
        },
      ],
    },
    240,
  );
}

/** Every chart, by file name. */
export function charts(results: Results): Record<string, string> {
  return {
    "throughput.svg": throughputChart(results),
    "head-of-line.svg": headOfLineChart(results),
    "threads.svg": threadsChart(results),
    "dispatch.svg": dispatchChart(results),
  };
}
