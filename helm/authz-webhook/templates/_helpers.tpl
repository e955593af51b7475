{{/* Chart name, overridable. */}}
{{- define "authz-webhook.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Release-qualified name, at most 63 characters (a DNS label). */}}
{{- define "authz-webhook.fullname" -}}
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

{{- define "authz-webhook.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "authz-webhook.selectorLabels" -}}
app.kubernetes.io/name: {{ include "authz-webhook.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/*
Selects the service's pods only: the migration Job's pods share name and instance, and must never become Service
endpoints. Part of the Deployment's immutable selector.
*/}}
{{- define "authz-webhook.podSelectorLabels" -}}
{{ include "authz-webhook.selectorLabels" . }}
app.kubernetes.io/component: webhook
{{- end }}

{{- define "authz-webhook.labels" -}}
helm.sh/chart: {{ include "authz-webhook.chart" . }}
{{ include "authz-webhook.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: authz-webhook
{{- end }}

{{- define "authz-webhook.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "authz-webhook.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "authz-webhook.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
{{- end }}

{{/* Names of the objects the chart reads but does not create. */}}
{{- define "authz-webhook.tlsSecretName" -}}
{{- default (printf "%s-tls" (include "authz-webhook.fullname" .)) .Values.webhook.tls.secretName }}
{{- end }}

{{- define "authz-webhook.clientCaSecretName" -}}
{{- default (printf "%s-client-ca" (include "authz-webhook.fullname" .)) .Values.webhook.clientCa.secretName }}
{{- end }}

{{- define "authz-webhook.postgresSecretName" -}}
{{- default (printf "%s-postgres" (include "authz-webhook.fullname" .)) .Values.postgres.connectionStringSecret.name }}
{{- end }}

{{- define "authz-webhook.redisSecretName" -}}
{{- default (printf "%s-redis" (include "authz-webhook.fullname" .)) .Values.redis.configurationSecret.name }}
{{- end }}

{{- define "authz-webhook.policyConfigMapName" -}}
{{- default (printf "%s-policy" (include "authz-webhook.fullname" .)) .Values.policy.existingConfigMap }}
{{- end }}

{{/*
Everything the service reads from files, under one directory, in the layout appsettings.json expects.
A projected volume, not subPath mounts: kubelet refreshes it in place, which the policy hot reload relies on.
*/}}
{{- define "authz-webhook.configDir" -}}
/etc/authz-webhook
{{- end }}

{{/*
Projected sources. Pass (dict "root" $ "policy" true) to include the policy; the migration Job leaves it out
because a pre-install hook runs before the chart's ConfigMap exists.
*/}}
{{- define "authz-webhook.configSources" -}}
{{- $root := .root -}}
{{- if .policy }}
- configMap:
    name: {{ include "authz-webhook.policyConfigMapName" $root }}
    items:
      - key: policy.yaml
        path: policy.yaml
{{- end }}
- secret:
    name: {{ include "authz-webhook.tlsSecretName" $root }}
    items:
      - key: tls.crt
        path: tls/tls.crt
      - key: tls.key
        path: tls/tls.key
        mode: 288  # 0440, written in decimal: YAML 1.1 and 1.2 read a leading 0 differently
- secret:
    name: {{ include "authz-webhook.clientCaSecretName" $root }}
    items:
      - key: {{ $root.Values.webhook.clientCa.key }}
        path: client-ca/ca.crt
{{- end }}

{{/*
Environment both the service and `migrate` need: the host starts Kestrel, which loads the webhook certificate and
client CA, even when it only migrates.
*/}}
{{- define "authz-webhook.baseEnv" -}}
{{- $dir := include "authz-webhook.configDir" . -}}
- name: AuthzWebhook__Webhook__CertificatePath
  value: {{ printf "%s/tls/tls.crt" $dir }}
- name: AuthzWebhook__Webhook__KeyPath
  value: {{ printf "%s/tls/tls.key" $dir }}
- name: AuthzWebhook__Webhook__ClientCaPath
  value: {{ printf "%s/client-ca/ca.crt" $dir }}
- name: AuthzWebhook__Postgres__ConnectionString
  valueFrom:
    secretKeyRef:
      name: {{ include "authz-webhook.postgresSecretName" . }}
      key: {{ .Values.postgres.connectionStringSecret.key }}
{{- end }}

{{/* Pod-level settings shared by the Deployment and the migration Job. */}}
{{- define "authz-webhook.podCommon" -}}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.podSecurityContext }}
securityContext:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}
