{{/* The chart's name, at most 63 characters. */}}
{{- define "xmo.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The release's full name: the release name when it already contains the chart name. */}}
{{- define "xmo.fullname" -}}
{{- if contains .Chart.Name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}

{{- define "xmo.selectorLabels" -}}
app.kubernetes.io/name: {{ include "xmo.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "xmo.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{ include "xmo.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "xmo.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "xmo.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "xmo.leaderElection" -}}
{{- if gt (int .Values.replicas) 1 }}true{{ else }}false{{ end }}
{{- end }}

{{/*
What the operator does in a namespace it serves: read and update its own kinds and their status,
hold finalizers on them, read pool credentials, and record events.
*/}}
{{- define "xmo.namespacedRules" -}}
- apiGroups: ["xenmigration.io"]
  resources: ["xenpools", "livemigrations", "hostmaintenances"]
  verbs: ["get", "list", "watch", "patch", "update"]
# A HostMaintenance drains its host through LiveMigrations it creates.
- apiGroups: ["xenmigration.io"]
  resources: ["livemigrations"]
  verbs: ["create"]
- apiGroups: ["xenmigration.io"]
  resources: ["xenpools/status", "livemigrations/status", "hostmaintenances/status"]
  verbs: ["get", "patch", "update"]
- apiGroups: ["xenmigration.io"]
  resources: ["xenpools/finalizers", "livemigrations/finalizers", "hostmaintenances/finalizers"]
  verbs: ["update"]
- apiGroups: [""]
  resources: ["secrets"]
  verbs: ["get", "list", "watch"]
- apiGroups: [""]
  resources: ["events"]
  verbs: ["create", "patch"]
{{- end }}
