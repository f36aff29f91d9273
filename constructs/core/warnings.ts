import { Annotations } from 'cdktf';
import { IConstruct } from 'constructs';

/** Records an auto-correction as a synth warning instead of failing (errors are content/validation's invalid()). */
export function warnCorrected(scope: IConstruct, message: string): void {
  Annotations.of(scope).addWarning(message);
}
