/** A dashboard as Grafana's JSON model (API, file provisioning, Terraform provider); `uid` is required and stable. */
export interface DashboardJson {
  uid: string;
  title: string;
  [key: string]: unknown;
}
