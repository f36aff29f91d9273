/** Name of the notification template file inside the Alertmanager container's template directory. */
export const TEMPLATE_FILE = 'pipewatch.tmpl';

/**
 * Notification templates shared by every receiver: a title with the alert
 * name and pipeline, and a body listing each alert with its pipeline, team,
 * dashboard and runbook links.
 */
export const NOTIFICATION_TEMPLATES = `{{ define "pipewatch.title" -}}
[{{ .Status | toUpper }}{{ if eq .Status "firing" }}:{{ .Alerts.Firing | len }}{{ end }}] {{ .CommonLabels.alertname }}{{ with .CommonLabels.dag_id }} - {{ . }}{{ end }}
{{- end }}

{{ define "pipewatch.text" -}}
{{ range .Alerts -}}
{{ .Annotations.summary }}
{{ .Annotations.description }}
Pipeline: {{ or .Labels.dag_id "-" }} | Team: {{ .Labels.team }} | Severity: {{ .Labels.severity }}
Dashboard: {{ .Annotations.dashboard_url }}
Runbook: {{ .Annotations.runbook_url }}
{{ end -}}
{{- end }}

{{ define "pipewatch.slack.text" -}}
{{ range .Alerts -}}
*{{ .Annotations.summary }}*
{{ .Annotations.description }}
Pipeline: \`{{ or .Labels.dag_id "-" }}\` | Team: {{ .Labels.team }} | Severity: {{ .Labels.severity }}
<{{ .Annotations.dashboard_url }}|Dashboard> | <{{ .Annotations.runbook_url }}|Runbook>
{{ end -}}
{{- end }}

{{ define "pipewatch.email.html" -}}
<h2>{{ template "pipewatch.title" . }}</h2>
{{ range .Alerts -}}
<h3>{{ .Annotations.summary }}</h3>
<p>{{ .Annotations.description }}</p>
<p>Pipeline: <code>{{ or .Labels.dag_id "-" }}</code> | Team: {{ .Labels.team }} | Severity: {{ .Labels.severity }}</p>
<p><a href="{{ .Annotations.dashboard_url }}">Dashboard</a> | <a href="{{ .Annotations.runbook_url }}">Runbook</a></p>
{{ end -}}
{{- end }}
`;
