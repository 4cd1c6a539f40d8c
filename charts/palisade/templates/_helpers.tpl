{{/* Labels on every object; the selector uses the first two. */}}
{{- define "palisade.labels" -}}
app.kubernetes.io/name: palisade
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: admission-webhook
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end }}

{{- define "palisade.selector" -}}
app.kubernetes.io/name: palisade
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* Metadata of a namespaced object; call with (list $ "name"). */}}
{{- define "palisade.metadata" -}}
{{- $root := index . 0 -}}
name: {{ index . 1 }}
namespace: {{ $root.Release.Namespace }}
labels:
  {{- include "palisade.labels" $root | nindent 2 }}
{{- end }}

{{- define "palisade.image" -}}
{{- $image := printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) -}}
{{- if .Values.image.digest }}{{ $image = printf "%s@%s" $image .Values.image.digest }}{{ end -}}
{{ $image }}
{{- end }}

{{/*
Namespaces the API server never sends to Palisade: its own (a broken Palisade must be able to
restart) and those the configuration's webhook.exempt-namespaces names, kube-system by default.
A label selector cannot match patterns: globs (legacy-*) are left to the webhook itself.
*/}}
{{- define "palisade.exemptNamespaces" -}}
{{- $names := list .Release.Namespace -}}
{{- $configured := list "kube-system" -}}
{{- $config := fromYaml (.Values.config | default "{}") -}}
{{- with $config.webhook -}}
{{- if hasKey . "exempt-namespaces" }}{{ $configured = index . "exempt-namespaces" | default list }}{{ end -}}
{{- end -}}
{{- range $configured }}{{ if and (not (regexMatch "[*?\\[{]" .)) (not (has . $names)) }}{{ $names = append $names . }}{{ end }}{{ end -}}
{{ toJson $names }}
{{- end }}

{{- define "palisade.validateValues" -}}
{{- $ns := .Release.Namespace -}}
{{- if and (or (eq $ns "default") (hasPrefix "kube-" $ns)) (not .Values.force) -}}
{{- fail (printf "namespace %s is a system namespace: everything in Palisade's namespace is exempt from the webhook, so every pod in it would be admitted unchecked. Use a namespace of Palisade's own, or set force=true" $ns) -}}
{{- end -}}
{{- if and .Values.dedicatedNamespace (or (eq $ns "default") (hasPrefix "kube-" $ns)) -}}
{{- fail "dedicatedNamespace=true puts a namespace-wide default deny and pod quota in place: never in a system namespace" -}}
{{- end -}}
{{- if not (has .Values.webhook.failurePolicy (list "Fail" "Ignore")) -}}
{{- fail "webhook.failurePolicy must be Fail or Ignore" -}}
{{- end -}}
{{- if or (lt (int .Values.webhook.timeoutSeconds) 1) (gt (int .Values.webhook.timeoutSeconds) 30) -}}
{{- fail "webhook.timeoutSeconds must be between 1 and 30" -}}
{{- end -}}
{{- if not (has .Values.certs.mode (list "cert-manager" "generate")) -}}
{{- fail "certs.mode must be cert-manager or generate" -}}
{{- end -}}
{{- range .Values.webhook.check -}}
{{- if not (has . (list "rbac" "configmaps")) -}}
{{- fail "webhook.check takes rbac and configmaps" -}}
{{- end -}}
{{- end -}}
{{- end }}

{{- define "palisade.auditReason" -}}
the continuous audit (--audit-interval) reads the API server with this ServiceAccount's token
{{- end }}
