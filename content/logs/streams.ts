import { TASK_LOG_SERVICE } from './collector-config';
import { lokiLabelName } from './loki-otlp';

/**
 * Loki stream selectors of the logs the stack ships, in the labels Loki's OTLP endpoint makes of the
 * collector's resource attributes (tests/dashboards/logql-labels.test.ts checks every dashboard query against them).
 */
export const CONTAINER_LABEL = lokiLabelName('container.name');
export const TASK_LOGS_MATCHER = `${lokiLabelName('service.name')}="${TASK_LOG_SERVICE}"`;
