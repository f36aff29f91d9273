import { Lazy, Token } from 'cdktf';

/** A configuration file rendered at synth and uploaded into a container. */
export interface ConfigFile {
  readonly path: string;
  readonly content: string;
}

/**
 * Terraform reads `${…}` and `%{…}` in any string as template syntax; config
 * files (shell scripts, dashboards with `${dag_id}`) must reach the container as written.
 */
export function escapeTerraformTemplate(text: string): string {
  // A replacer function, because `$$` in a replacement string means a single `$`.
  return text.replace(/\$\{/g, () => '$${').replace(/%\{/g, () => '%%{');
}

/** File content rendered at synth (so later `add*()` calls are included), escaped for Terraform. */
export function lazyText(render: () => string): string {
  return Lazy.stringValue({ produce: () => escapeTerraformTemplate(render()) });
}

/** Escapes literal content; content that is already a token (lazy or a reference) passes through. */
export function literalContent(content: string): string {
  return Token.isUnresolved(content) ? content : escapeTerraformTemplate(content);
}
