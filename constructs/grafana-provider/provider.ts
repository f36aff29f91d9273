import { TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import { Attributes, definedAttributes, hclAttributes } from './attributes';

/** The provider's registry address and the major version these bindings follow. */
export const GRAFANA_PROVIDER_SOURCE = 'grafana/grafana';
export const GRAFANA_PROVIDER_VERSION = '~> 4.0';

export interface GrafanaProviderProps {
  /** Root URL of the Grafana server, e.g. `https://example.grafana.net/`. */
  readonly url: string;
  /**
   * Service-account token, `username:password` or `anonymous`. Pass a sensitive
   * TerraformVariable's value, never a literal: it would land in cdktf.out.
   */
  readonly auth: string;
  /** Provider alias when a stack talks to several Grafanas. @default - the default provider */
  readonly alias?: string;
}

/** `provider "grafana"` (registry.terraform.io/providers/grafana/grafana). */
export class GrafanaProvider extends TerraformProvider {
  private readonly props: GrafanaProviderProps;
  private providerAlias?: string;

  constructor(scope: Construct, id: string, props: GrafanaProviderProps) {
    super(scope, id, {
      terraformResourceType: 'grafana',
      terraformGeneratorMetadata: { providerName: 'grafana', providerVersionConstraint: GRAFANA_PROVIDER_VERSION },
      terraformProviderSource: GRAFANA_PROVIDER_SOURCE,
    });
    this.props = props;
    this.providerAlias = props.alias;
  }

  get alias(): string | undefined {
    return this.providerAlias;
  }

  set alias(value: string | undefined) {
    this.providerAlias = value;
  }

  private attributes(): Attributes {
    return { url: this.props.url, auth: this.props.auth, alias: this.providerAlias };
  }

  protected synthesizeAttributes(): Record<string, unknown> {
    return definedAttributes(this.attributes());
  }

  protected synthesizeHclAttributes(): Record<string, unknown> {
    return hclAttributes(this.attributes());
  }
}
