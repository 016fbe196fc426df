/**
 * The report layer: pure functions from run results to what people read and keep — terminal
 * tables, the JSON report, SVG plots with a Vega-Lite spec beside each, and HTML pages.
 *
 * In: StressResult / ChurnResult objects (src/swarm). Out: strings and plain objects.
 * Never here: running anything, reading files or the environment, writing files (the CLI does).
 */
export { buildStressReport, formatStressReport, referenceFor, type Distributions, type StressReport } from './stress-report.js';
export { stressPlots, stressHtml } from './stress-plots.js';
export { churnHtml, churnJson, churnPlots, describeRun, formatChurnRun, sweepCsv, sweepHtml, sweepParams, sweepPlot, sweepPlots, type SweepPoint } from './churn-report.js';
export { barPlot, barSpec, linePlot, lineSpec } from './vega.js';
export { htmlReport } from './html.js';
export { formatTable, fmt, formatBytes, formatDuration } from './table.js';
