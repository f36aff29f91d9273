import { TerraformMetaArguments, Token } from 'cdktf';

/**
 * Shared by the bindings: Terraform attributes from typed props, in the two
 * shapes cdktf synthesizes (JSON and HCL), with unset props left out so the
 * provider applies its own documented defaults.
 */
export type AttributeValue = string | number | boolean | Readonly<Record<string, string>>;

export type Attributes = Readonly<Record<string, AttributeValue | undefined>>;

export function definedAttributes(attributes: Attributes): Record<string, AttributeValue> {
  return Object.fromEntries(Object.entries(attributes).filter(([, v]) => v !== undefined)) as Record<string, AttributeValue>;
}

function storageClass(value: AttributeValue): { type: 'simple' | 'map'; storageClassType: string } {
  if (typeof value === 'object') return { type: 'map', storageClassType: 'stringMap' };
  return { type: 'simple', storageClassType: typeof value };
}

export function hclAttributes(attributes: Attributes): Record<string, unknown> {
  return Object.fromEntries(Object.entries(definedAttributes(attributes)).map(([name, value]) => [name, { value, isBlock: false, ...storageClass(value) }]));
}

/** Only Terraform's meta-arguments (provider, dependsOn, lifecycle…) go to the resource base class. */
export function metaArguments(props: TerraformMetaArguments): TerraformMetaArguments {
  const { dependsOn, count, provider, lifecycle, forEach, provisioners, connection } = props;
  return { dependsOn, count, provider, lifecycle, forEach, provisioners, connection };
}

/**
 * Terraform reads `${…}` and `%{…}` in any string as its own templates; Grafana
 * JSON uses `${var}` for its variables. Doubling the opener keeps them literal.
 * Strings holding cdktf tokens are left alone: they are meant to be interpolated.
 */
export function terraformLiteral(text: string): string {
  if (Token.isUnresolved(text)) return text;
  // Replacement functions, because `$$` in a replacement string means a single `$`.
  return text.replace(/\$\{/g, () => '$${').replace(/%\{/g, () => '%%{');
}
