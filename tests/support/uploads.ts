import { readFileSync } from 'fs';
import { join } from 'path';

/** One `upload` block of a synthesized docker_container. */
export interface Upload {
  readonly file: string;
  /** Inline text (secrets: a Terraform reference), with Terraform's `$${` escapes. */
  readonly content?: string;
  /** A file of the synthesized stack directory, relative to it. */
  readonly source?: string;
  readonly source_hash?: string;
}

/** The text an upload puts into the container: the file `source` names in `stackDir`, or the inline content unescaped as Terraform does. */
export function uploadText(stackDir: string, upload: Upload): string {
  if (upload.source !== undefined) return readFileSync(join(stackDir, upload.source), 'utf8');
  if (upload.content === undefined) throw new Error(`upload ${upload.file} has neither source nor content`);
  return upload.content.replace(/\$\$\{/g, '${').replace(/%%\{/g, '%{');
}
