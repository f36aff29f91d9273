import { TerraformMetaArguments, TerraformResource } from 'cdktf';
import { Construct } from 'constructs';
import { Attributes, definedAttributes, hclAttributes, metaArguments, terraformLiteral } from './attributes';

export interface DashboardProps extends TerraformMetaArguments {
  /**
   * The complete dashboard model as JSON; its `uid` becomes the dashboard's uid.
   * Taken literally: Grafana's `${var}` references are escaped from Terraform.
   */
  readonly configJson: string;
  /** uid (or id) of the folder to save the dashboard in. @default - the General folder */
  readonly folder?: string;
  /** Replace a dashboard with the same uid or title made outside Terraform. @default false */
  readonly overwrite?: boolean;
  /** Version-history message for each save. */
  readonly message?: string;
  /** @default - the provider's organisation */
  readonly orgId?: string;
}

/** `grafana_dashboard`. */
export class Dashboard extends TerraformResource {
  static readonly tfResourceType = 'grafana_dashboard';
  private readonly props: DashboardProps;

  constructor(scope: Construct, id: string, props: DashboardProps) {
    super(scope, id, { terraformResourceType: Dashboard.tfResourceType, terraformGeneratorMetadata: { providerName: 'grafana' }, ...metaArguments(props) });
    this.props = props;
  }

  get uid(): string {
    return this.getStringAttribute('uid');
  }

  /** Full URL of the dashboard in Grafana, known after apply. */
  get url(): string {
    return this.getStringAttribute('url');
  }

  private attributes(): Attributes {
    return {
      config_json: terraformLiteral(this.props.configJson),
      folder: this.props.folder,
      overwrite: this.props.overwrite,
      message: this.props.message,
      org_id: this.props.orgId,
    };
  }

  protected synthesizeAttributes(): Record<string, unknown> {
    return definedAttributes(this.attributes());
  }

  protected synthesizeHclAttributes(): Record<string, unknown> {
    return hclAttributes(this.attributes());
  }
}
