{{- define "web.labels" -}}
app: {{ .Values.app.name }}
{{- end }}
