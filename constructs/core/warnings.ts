import { Annotations } from 'cdktf';
import { IConstruct } from 'constructs';

/** Records a synth warning (an auto-correction, or a setting that works but defeats its purpose) instead of failing; errors are content/validation's invalid(). */
export function warnCorrected(scope: IConstruct, message: string): void {
  Annotations.of(scope).addWarning(message);
}
