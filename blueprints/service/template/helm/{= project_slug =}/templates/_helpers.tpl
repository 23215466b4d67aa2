{{/*
Names and labels shared by every template. Names are cut at 63 characters (the DNS-1123 label
limit of many fields); a release named after the chart gets names without a prefix.
*/}}

{{/* The chart's name, or nameOverride. */}}
{{- define "service.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The name of the app's objects: fullnameOverride, else <release>-<chart> unless the release
name already holds the chart's name (`helm install demo ./demo` gives `demo`). */}}
{{- define "service.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* `name-version` for the helm.sh/chart label (`+` is not allowed in label values). */}}
{{- define "service.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The labels that select the app's pods. Never change them on a live release: a
Deployment's selector is immutable. */}}
{{- define "service.selectorLabels" -}}
app.kubernetes.io/name: {{ include "service.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* The labels of every object (https://kubernetes.io/docs/concepts/overview/working-with-objects/common-labels/). */}}
{{- define "service.labels" -}}
{{ include "service.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | trunc 63 | trimSuffix "-" | quote }}
app.kubernetes.io/component: api
app.kubernetes.io/part-of: {{ include "service.name" . }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ include "service.chart" . }}
{{- end }}

{{/* The ServiceAccount the pods run as. */}}
{{- define "service.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "service.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The app's image: repository:tag, and @digest when one is given (the deploy pins the
digest CI built, so what runs is exactly what was tested; the tag stays for people). */}}
{{- define "service.image" -}}
{{- $tag := .Values.image.tag | default .Chart.AppVersion }}
{{- if .Values.image.digest }}
{{- printf "%s:%s@%s" .Values.image.repository $tag .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository $tag }}
{{- end }}
{{- end }}

{{/* The Secret holding a datastore's password: existingSecret, else the chart's own. */}}
{{- define "service.datastoreSecret" -}}
{{- $ := index . 0 }}
{{- $name := index . 1 }}
{{- $store := index . 2 }}
{{- $store.existingSecret | default (printf "%s-%s" (include "service.fullname" $) $name) }}
{{- end }}

{{/* A datastore's environment variable prefix: postgres -> POSTGRES. */}}
{{- define "service.envPrefix" -}}
{{- . | upper | replace "-" "_" }}
{{- end }}
