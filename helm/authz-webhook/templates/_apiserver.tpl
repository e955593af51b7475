{{/*
Files for kube-apiserver (configmap-apiserver.yaml). Written as text, not toYaml, so that they keep their comments and
the order a person reads them in; docs/operator-guide.md shows them exactly as rendered.
*/}}

{{/* Where kube-apiserver dials: a fixed ClusterIP when there is one, because it often cannot resolve cluster DNS. */}}
{{- define "authz-webhook.apiServerTarget" -}}
{{- $c := .Values.apiServerConfig -}}
{{- if $c.server }}
{{- $c.server | trimSuffix "/" }}
{{- else if and .Values.service.clusterIP (ne .Values.service.clusterIP "None") }}
{{- printf "https://%s:%d" .Values.service.clusterIP (int .Values.service.ports.webhook) }}
{{- else }}
{{- printf "https://%s.%s.svc:%d" (include "authz-webhook.fullname" .) .Release.Namespace (int .Values.service.ports.webhook) }}
{{- end }}
{{- end }}

{{/* A webhook kubeconfig; pass (dict "root" $ "path" "/authorize"). */}}
{{- define "authz-webhook.apiServerKubeconfig" -}}
{{- $dir := .root.Values.apiServerConfig.directory | trimSuffix "/" -}}
apiVersion: v1
kind: Config
clusters:
  - name: authz-webhook
    cluster:
      server: {{ include "authz-webhook.apiServerTarget" .root }}{{ .path }}
      certificate-authority: {{ $dir }}/ca.crt
users:
  - name: kube-apiserver
    user:
      client-certificate: {{ $dir }}/client.crt
      client-key: {{ $dir }}/client.key
contexts:
  - name: authz-webhook
    context:
      cluster: authz-webhook
      user: kube-apiserver
current-context: authz-webhook
{{ end }}

{{- define "authz-webhook.apiServerWebhookAuthorizer" }}
{{- $c := .Values.apiServerConfig }}
  - type: Webhook
    name: authz-webhook
    webhook:
      timeout: {{ $c.timeout }}
      subjectAccessReviewVersion: v1
      matchConditionSubjectAccessReviewVersion: v1
      failurePolicy: {{ $c.failurePolicy }}
      authorizedTTL: {{ $c.authorizedTTL }}
      unauthorizedTTL: {{ $c.unauthorizedTTL }}
      connectionInfo:
        type: KubeConfigFile
        kubeConfigFile: {{ $c.directory | trimSuffix "/" }}/authorize.kubeconfig
{{- if eq $c.placement "BeforeRBAC" }}
      # Only these requests reach the webhook; every system identity stays with Node and RBAC alone.
      matchConditions:
{{- range $c.matchConditions }}
        - expression: {{ . | quote }}
{{- end }}
{{- end }}
{{- end }}

{{- define "authz-webhook.apiServerAuthorizationConfig" -}}
{{- $c := .Values.apiServerConfig -}}
apiVersion: {{ $c.apiVersion }}
kind: AuthorizationConfiguration
authorizers:
  - type: Node
    name: node
{{- if eq $c.placement "BeforeRBAC" }}
{{- include "authz-webhook.apiServerWebhookAuthorizer" . }}
  - type: RBAC
    name: rbac
{{- else }}
  - type: RBAC
    name: rbac
{{- include "authz-webhook.apiServerWebhookAuthorizer" . }}
{{- end }}
{{ end }}

{{- define "authz-webhook.apiServerAuditPolicy" -}}
apiVersion: audit.k8s.io/v1
kind: Policy
# The authorization annotations are set once the request is decided; RequestReceived has none.
omitStages:
  - RequestReceived
rules:
  # Probes carry nothing worth joining to a decision.
  - level: None
    nonResourceURLs: ["/healthz*", "/livez*", "/readyz*", "/version"]
  - level: {{ .Values.apiServerConfig.audit.level }}
{{ end }}

{{- define "authz-webhook.apiServerFlags" -}}
{{- $c := .Values.apiServerConfig -}}
{{- $dir := $c.directory | trimSuffix "/" -}}
--authorization-config={{ $dir }}/authorization-config.yaml
{{- if $c.audit.enabled }}
--audit-policy-file={{ $dir }}/audit-policy.yaml
--audit-webhook-config-file={{ $dir }}/audit.kubeconfig
--audit-webhook-version=audit.k8s.io/v1
--audit-webhook-mode=batch
--audit-webhook-batch-max-size=400
{{- end }}
{{ end }}
