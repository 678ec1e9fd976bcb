/** Metric names and definitions shared by the server, the runner and the dashboards. */
export * from './names.js';
export * from './server-metrics.js';
export { Registry } from 'prom-client';
export * from './fleet-metrics.js';
