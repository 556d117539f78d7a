{{- define "stratisd.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "stratisd.fullname" -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "stratisd.labels" -}}
app.kubernetes.io/name: {{ include "stratisd.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "stratisd.selectorLabels" -}}
app.kubernetes.io/name: {{ include "stratisd.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}
