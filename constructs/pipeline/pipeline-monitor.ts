import { Construct } from 'constructs';
import { InhibitRule } from '../../content/alertmanager/config';
import { lineageInhibitRule } from '../../content/pipeline/lineage';
import { pipelineThresholds } from '../../content/pipeline/rule-group';
import { ThresholdSample } from '../../content/pipeline/thresholds';
import { PipelineSpec } from '../../content/pipeline/spec';
import { scheduleOf, validatePipelineCatalog } from '../../content/pipeline/validate';
import { sloWarnings } from '../../content/pipeline/batch-slo';
import { warnCorrected } from '../core/warnings';

export interface PipelineMonitorProps {
  readonly spec: PipelineSpec;
  /** Every pipeline of the platform, this one included: upstream ids are checked against it. @default [spec] */
  readonly catalog?: readonly PipelineSpec[];
}

/**
 * Monitoring for one pipeline: validates its spec (errors name this
 * construct's path) and exposes its thresholds (the series the shared
 * pipeline alerts join), the team its alerts route to and the lineage
 * inhibition that mutes it while an upstream is broken.
 */
export class PipelineMonitor extends Construct {
  readonly spec: PipelineSpec;
  /** Threshold samples of this pipeline: its whole share of the pipelines rule file. */
  readonly thresholds: readonly ThresholdSample[];
  /** Mutes this pipeline's stale/deadline alerts while an upstream fails; undefined without upstreams. */
  readonly inhibitRule?: InhibitRule;

  constructor(scope: Construct, id: string, props: PipelineMonitorProps) {
    super(scope, id);
    this.spec = props.spec;
    const catalog = props.catalog ?? [props.spec];
    if (!catalog.includes(props.spec)) {
      throw new Error(`${this.node.path}: the catalog passed to PipelineMonitor must contain its own spec (${props.spec.dagId}).`);
    }
    const others = catalog.filter((s) => s !== props.spec);
    try {
      validatePipelineCatalog([props.spec, ...others], (i) => (i === 0 ? this.node.path : `catalog pipeline ${others[i - 1].dagId}`));
    } catch (error) {
      // A rejected spec leaves no node behind, so the corrected spec can be added under the same id.
      scope.node.tryRemoveChild(id);
      throw error;
    }
    this.thresholds = pipelineThresholds(props.spec, this.node.path);
    this.inhibitRule = lineageInhibitRule(props.spec, catalog);
    for (const warning of sloWarnings(props.spec, scheduleOf(props.spec, this.node.path))) warnCorrected(this, warning);
  }

  /** The team label on this pipeline's alerts; route it with alertmanager.routeTeam(). */
  get team(): string {
    return this.spec.ownerTeam;
  }
}
