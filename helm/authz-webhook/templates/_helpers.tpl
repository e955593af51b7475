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

{{/* The API's certificate: its own Secret, or the webhook's when api.tls.secretName is empty. */}}
{{- define "authz-webhook.apiTlsSecretName" -}}
{{- default (include "authz-webhook.tlsSecretName" .) .Values.api.tls.secretName }}
{{- end }}

{{/* cert-manager's Certificate for kube-apiserver's client certificate writes this Secret. */}}
{{- define "authz-webhook.apiServerClientSecretName" -}}
{{- printf "%s-apiserver-client" (include "authz-webhook.fullname" .) }}
{{- end }}

{{/* With cert-manager, the client certificate's Secret carries the CA that signed it (ca.crt). */}}
{{- define "authz-webhook.clientCaSecretName" -}}
{{- if .Values.webhook.clientCa.secretName }}
{{- .Values.webhook.clientCa.secretName }}
{{- else if .Values.certManager.enabled }}
{{- include "authz-webhook.apiServerClientSecretName" . }}
{{- else }}
{{- printf "%s-client-ca" (include "authz-webhook.fullname" .) }}
{{- end }}
{{- end }}

{{/*
Client certificate names the webhook accepts. With cert-manager and none configured, only the client certificate the
chart issues: its CA issuer may sign other clients too.
*/}}
{{- define "authz-webhook.allowedClientNames" -}}
{{- if .Values.webhook.allowedClientNames }}
{{- toYaml .Values.webhook.allowedClientNames }}
{{- else if .Values.certManager.enabled }}
{{- toYaml (list .Values.certManager.apiServerClient.commonName) }}
{{- else }}
{{- toYaml (list) }}
{{- end }}
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

{{/* The API's Service; "-api" stays within the 63 characters of a Service name. */}}
{{- define "authz-webhook.apiServiceName" -}}
{{- printf "%s-api" (include "authz-webhook.fullname" . | trunc 59 | trimSuffix "-") }}
{{- end }}

{{/* The management port's Service; "-metrics" stays within the 63 characters of a Service name. */}}
{{- define "authz-webhook.metricsServiceName" -}}
{{- printf "%s-metrics" (include "authz-webhook.fullname" . | trunc 55 | trimSuffix "-") }}
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
{{- /* Projected separately even when it is the same Secret as the webhook's, so both paths always exist. */}}
- secret:
    name: {{ include "authz-webhook.apiTlsSecretName" $root }}
    items:
      - key: tls.crt
        path: api-tls/tls.crt
      - key: tls.key
        path: api-tls/tls.key
        mode: 288  # 0440
- secret:
    name: {{ include "authz-webhook.clientCaSecretName" $root }}
    items:
      - key: {{ $root.Values.webhook.clientCa.key }}
        path: client-ca/ca.crt
{{- end }}

{{/* Environment both the service and `migrate` need: `migrate` reads only the Postgres settings. */}}
{{- define "authz-webhook.baseEnv" -}}
- name: AuthzWebhook__Postgres__ConnectionString
  valueFrom:
    secretKeyRef:
      name: {{ include "authz-webhook.postgresSecretName" . }}
      key: {{ .Values.postgres.connectionStringSecret.key }}
{{- end }}

{{/*
The service's environment as the chart sets it, before extraEnv. File paths point into configDir, at the paths
configSources projects; ports are containerPorts. Optional values left empty are not passed (appsettings.json has
the same empty defaults).
*/}}
{{- define "authz-webhook.serviceEnv" -}}
{{- $dir := include "authz-webhook.configDir" . -}}
{{- $config := .Values.config }}
{{- /* Names this replica in decision records. */}}
- name: AuthzWebhook__InstanceName
  valueFrom:
    fieldRef:
      fieldPath: metadata.name
{{ include "authz-webhook.baseEnv" . }}
- name: AuthzWebhook__Webhook__BindAddress
  value: {{ $config.webhook.bindAddress | quote }}
- name: AuthzWebhook__Webhook__Port
  value: {{ .Values.containerPorts.webhook | int | quote }}
- name: AuthzWebhook__Webhook__CertificatePath
  value: {{ printf "%s/tls/tls.crt" $dir }}
- name: AuthzWebhook__Webhook__KeyPath
  value: {{ printf "%s/tls/tls.key" $dir }}
- name: AuthzWebhook__Webhook__ClientCaPath
  value: {{ printf "%s/client-ca/ca.crt" $dir }}
- name: AuthzWebhook__Webhook__MaxBodyBytes
  value: {{ $config.webhook.maxBodyBytes | int64 | quote }}
- name: AuthzWebhook__Webhook__MaxJsonDepth
  value: {{ $config.webhook.maxJsonDepth | int64 | quote }}
- name: AuthzWebhook__Webhook__MaxStringLength
  value: {{ $config.webhook.maxStringLength | int64 | quote }}
- name: AuthzWebhook__Webhook__MaxGroups
  value: {{ $config.webhook.maxGroups | int64 | quote }}
- name: AuthzWebhook__Webhook__MaxExtraKeys
  value: {{ $config.webhook.maxExtraKeys | int64 | quote }}
- name: AuthzWebhook__Webhook__MaxExtraValues
  value: {{ $config.webhook.maxExtraValues | int64 | quote }}
- name: AuthzWebhook__RequestLimits__MaxRequestHeadersTotalSize
  value: {{ $config.requestLimits.maxRequestHeadersTotalSize | int64 | quote }}
- name: AuthzWebhook__RequestLimits__MaxRequestHeaderCount
  value: {{ $config.requestLimits.maxRequestHeaderCount | int64 | quote }}
- name: AuthzWebhook__RequestLimits__MaxRequestLineSize
  value: {{ $config.requestLimits.maxRequestLineSize | int64 | quote }}
- name: AuthzWebhook__AuditSink__MaxBodyBytes
  value: {{ $config.auditSink.maxBodyBytes | int64 | quote }}
- name: AuthzWebhook__AuditSink__MaxEvents
  value: {{ $config.auditSink.maxEvents | int64 | quote }}
- name: AuthzWebhook__AuditSink__MaxJsonDepth
  value: {{ $config.auditSink.maxJsonDepth | int64 | quote }}
- name: AuthzWebhook__AuditSink__MaxStringLength
  value: {{ $config.auditSink.maxStringLength | int64 | quote }}
- name: AuthzWebhook__AuditSink__MaxGroups
  value: {{ $config.auditSink.maxGroups | int64 | quote }}
{{- range $i, $name := include "authz-webhook.allowedClientNames" . | fromYamlArray }}
- name: AuthzWebhook__Webhook__AllowedClientNames__{{ $i }}
  value: {{ $name | quote }}
{{- end }}
- name: AuthzWebhook__Webhook__CertificateCheckInterval
  value: {{ $config.webhook.certificateCheckInterval | quote }}
- name: AuthzWebhook__Api__BindAddress
  value: {{ $config.api.bindAddress | quote }}
- name: AuthzWebhook__Api__Port
  value: {{ .Values.containerPorts.api | int | quote }}
- name: AuthzWebhook__Api__CertificatePath
  value: {{ printf "%s/api-tls/tls.crt" $dir }}
- name: AuthzWebhook__Api__KeyPath
  value: {{ printf "%s/api-tls/tls.key" $dir }}
- name: AuthzWebhook__Api__CertificateCheckInterval
  value: {{ $config.api.certificateCheckInterval | quote }}
- name: AuthzWebhook__Api__PermitsPerMinute
  value: {{ $config.api.permitsPerMinute | int64 | quote }}
- name: AuthzWebhook__Api__MaxBodyBytes
  value: {{ $config.api.maxBodyBytes | int64 | quote }}
- name: AuthzWebhook__Api__PermitsPerMinutePerAddress
  value: {{ $config.api.permitsPerMinutePerAddress | int64 | quote }}
{{- range $i, $proxy := $config.api.trustedProxies }}
- name: AuthzWebhook__Api__TrustedProxies__{{ $i }}
  value: {{ $proxy | quote }}
{{- end }}
{{- range $i, $origin := $config.api.corsAllowedOrigins }}
- name: AuthzWebhook__Api__Cors__AllowedOrigins__{{ $i }}
  value: {{ $origin | quote }}
{{- end }}
{{- $oidcKeys := dict "Instance" "instance" "TenantId" "tenantId" "Authority" "authority"
      "MetadataAddress" "metadataAddress" "ClientId" "clientId" "Audience" "audience" }}
{{- range $key, $name := $oidcKeys }}
{{- with index $.Values.oidc $name }}
- name: AuthzWebhook__Oidc__{{ $key }}
  value: {{ . | quote }}
{{- end }}
{{- end }}
{{- with .Values.cli }}
{{- with .clientId }}
- name: AuthzWebhook__Cli__ClientId
  value: {{ . | quote }}
{{- end }}
{{- range $i, $scope := .scopes }}
- name: AuthzWebhook__Cli__Scopes__{{ $i }}
  value: {{ $scope | quote }}
{{- end }}
{{- end }}
{{- if and .Values.oidc.instance (not .Values.identity.issuerUrl) }}
{{- fail "identity.issuerUrl is required with oidc.instance (Entra ID): the API server's --oidc-issuer-url, https://login.microsoftonline.com/<tenant-id>/v2.0 for v2.0 tokens or https://sts.windows.net/<tenant-id>/ for v1.0; only that token version is accepted" }}
{{- end }}
{{- with .Values.identity.issuerUrl }}
- name: AuthzWebhook__Identity__IssuerUrl
  value: {{ . | quote }}
{{- end }}
- name: AuthzWebhook__Identity__UsernameClaim
  value: {{ .Values.identity.usernameClaim | quote }}
{{- if .Values.identity.usernamePrefix }}
- name: AuthzWebhook__Identity__UsernamePrefix
  value: {{ .Values.identity.usernamePrefix | quote }}
{{- end }}
- name: AuthzWebhook__Identity__GroupsClaim
  value: {{ .Values.identity.groupsClaim | quote }}
- name: AuthzWebhook__Identity__GroupsPrefix
  value: {{ .Values.identity.groupsPrefix | quote }}
{{- $identityLists := dict "AdminGroups" "adminGroups" "AuditorGroups" "auditorGroups"
      "IncidentToolGroups" "incidentToolGroups" "MfaAcrValues" "mfaAcrValues" }}
{{- range $key, $name := $identityLists }}
{{- range $i, $value := index $.Values.identity $name }}
- name: AuthzWebhook__Identity__{{ $key }}__{{ $i }}
  value: {{ $value | quote }}
{{- end }}
{{- end }}
- name: AuthzWebhook__Identity__ClockSkew
  value: {{ .Values.identity.clockSkew | quote }}
- name: AuthzWebhook__Elevations__DefaultMaxPending
  value: {{ $config.elevations.defaultMaxPending | quote }}
- name: AuthzWebhook__Elevations__ExpiryCheckInterval
  value: {{ $config.elevations.expiryCheckInterval | quote }}
- name: AuthzWebhook__Elevations__MinDuration
  value: {{ $config.elevations.minDuration | quote }}
- name: AuthzWebhook__Elevations__MaxPendingPerUser
  value: {{ $config.elevations.maxPendingPerUser | int | quote }}
- name: AuthzWebhook__Elevations__Visibility
  value: {{ $config.elevations.visibility | quote }}
{{- range $i, $group := $config.elevations.viewerGroups }}
- name: AuthzWebhook__Elevations__ViewerGroups__{{ $i }}
  value: {{ $group | quote }}
{{- end }}
- name: AuthzWebhook__Management__BindAddress
  value: {{ $config.management.bindAddress | quote }}
- name: AuthzWebhook__Management__Port
  value: {{ .Values.containerPorts.management | int | quote }}
- name: AuthzWebhook__Policy__Path
  value: {{ printf "%s/policy.yaml" $dir }}
- name: AuthzWebhook__Policy__ReloadInterval
  value: {{ $config.policy.reloadInterval | quote }}
- name: AuthzWebhook__Postgres__MigrateOnStart
  value: {{ $config.postgres.migrateOnStart | quote }}
- name: AuthzWebhook__Redis__Configuration
  valueFrom:
    secretKeyRef:
      name: {{ include "authz-webhook.redisSecretName" . }}
      key: {{ .Values.redis.configurationSecret.key }}
- name: AuthzWebhook__Redis__KeyPrefix
  value: {{ $config.redis.keyPrefix | quote }}
- name: AuthzWebhook__Windows__ReconcileInterval
  value: {{ $config.windows.reconcileInterval | quote }}
- name: AuthzWebhook__Windows__HeartbeatInterval
  value: {{ $config.windows.heartbeatInterval | quote }}
- name: AuthzWebhook__Windows__StalenessBound
  value: {{ $config.windows.stalenessBound | quote }}
- name: AuthzWebhook__Windows__MaxTimeWithoutPostgres
  value: {{ $config.windows.maxTimeWithoutPostgres | quote }}
- name: AuthzWebhook__DecisionLog__Output
  value: {{ $config.decisionLog.output | quote }}
- name: AuthzWebhook__DecisionLog__Capacity
  value: {{ $config.decisionLog.capacity | int64 | quote }}
- name: AuthzWebhook__DecisionLog__WriteTimeout
  value: {{ $config.decisionLog.writeTimeout | quote }}
- name: AuthzWebhook__DecisionStore__Enabled
  value: {{ $config.decisionStore.enabled | quote }}
- name: AuthzWebhook__DecisionStore__BatchSize
  value: {{ $config.decisionStore.batchSize | int64 | quote }}
- name: AuthzWebhook__DecisionStore__MemoryCapacity
  value: {{ $config.decisionStore.memoryCapacity | int64 | quote }}
- name: AuthzWebhook__DecisionStore__SpoolPath
  value: /var/lib/authz-webhook/spool/decisions.spool
- name: AuthzWebhook__DecisionStore__MaxRetryInterval
  value: {{ $config.decisionStore.maxRetryInterval | quote }}
- name: AuthzWebhook__DecisionStore__RetentionDays
  value: {{ $config.decisionStore.retentionDays | int64 | quote }}
- name: AuthzWebhook__DecisionStore__MaintenanceInterval
  value: {{ $config.decisionStore.maintenanceInterval | quote }}
- name: AuthzWebhook__Telemetry__ServiceName
  value: {{ $config.telemetry.serviceName | quote }}
- name: AuthzWebhook__Telemetry__TraceSampleRatio
  value: {{ $config.telemetry.traceSampleRatio | toString | quote }}
{{- with $config.telemetry.otlpEndpoint }}
- name: AuthzWebhook__Telemetry__OtlpEndpoint
  value: {{ . | quote }}
{{- end }}
- name: AuthzWebhook__Telemetry__OtlpProtocol
  value: {{ $config.telemetry.otlpProtocol | quote }}
- name: AuthzWebhook__Telemetry__PrometheusEnabled
  value: {{ $config.telemetry.prometheusEnabled | quote }}
{{- include "authz-webhook.notificationEnv" . }}
{{- end }}

{{/*
Notification settings. Receiver URLs and header values come from Secrets only: a chat webhook URL carries its secret in
the path, and headers are typically credentials. The service rejects duplicate receiver names too, but only at start-up.
*/}}
{{- define "authz-webhook.notificationEnv" -}}
{{- $n := .Values.notifications -}}
{{- $prefix := "AuthzWebhook__Notifications" }}
- name: {{ $prefix }}__PollInterval
  value: {{ $n.pollInterval | quote }}
- name: {{ $prefix }}__MaxAttempts
  value: {{ $n.maxAttempts | int | quote }}
- name: {{ $prefix }}__InitialBackoff
  value: {{ $n.initialBackoff | quote }}
- name: {{ $prefix }}__MaxBackoff
  value: {{ $n.maxBackoff | quote }}
- name: {{ $prefix }}__Timeout
  value: {{ $n.timeout | quote }}
{{- with $n.link }}
- name: {{ $prefix }}__Link
  value: {{ . | quote }}
{{- end }}
{{- $names := dict }}
{{- range $i, $r := $n.receivers }}
{{- if hasKey $names (lower $r.name) }}
{{- fail (printf "notifications.receivers[%d].name %q is already used by receivers[%d]: %s"
      $i $r.name (get $names (lower $r.name)) "names must be unique (case-insensitively)") }}
{{- end }}
{{- $_ := set $names (lower $r.name) $i }}
{{- $receiver := printf "%s__Receivers__%d" $prefix $i }}
- name: {{ $receiver }}__Name
  value: {{ $r.name | quote }}
- name: {{ $receiver }}__Format
  value: {{ $r.format | quote }}
{{- range $j, $event := $r.events }}
- name: {{ $receiver }}__Events__{{ $j }}
  value: {{ $event | quote }}
{{- end }}
- name: {{ $receiver }}__Url
  valueFrom:
    secretKeyRef:
      name: {{ $r.urlSecret.name | quote }}
      key: {{ $r.urlSecret.key | quote }}
{{- with $r.headersSecret }}
{{- $secret := .name }}
{{- $headers := dict }}
{{- range $header, $key := .keys }}
{{- if hasKey $headers (lower $header) }}
{{- fail (printf "notifications.receivers[%d].headersSecret.keys names %s twice: %s"
      $i $header "header names are case-insensitive") }}
{{- end }}
{{- $_ := set $headers (lower $header) true }}
- name: {{ $receiver }}__Headers__{{ $header }}
  valueFrom:
    secretKeyRef:
      name: {{ $secret | quote }}
      key: {{ $key | quote }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}

{{/*
The container's environment: the chart's, then extraEnv. A variable extraEnv names (compared as .NET compares
configuration keys: case-insensitively, ":" as "__") replaces the chart's rather than repeating it, because a
duplicate name is ambiguous and server-side apply refuses it. The development token issuer stays off: extraEnv may
neither set its keys nor select the Development environment (whose appsettings enable it), with or without the
DOTNET_/ASPNETCORE_ prefix that the host also reads configuration from, and an environment name must be a literal value
(one taken from a Secret or ConfigMap could say Development unseen). The image cannot enable the issuer anyway.
*/}}
{{- define "authz-webhook.containerEnv" -}}
{{- $overridden := dict }}
{{- range $i, $e := .Values.extraEnv }}
{{- $key := $e.name | lower | replace ":" "__" }}
{{- $setting := regexReplaceAll "^(dotnet_|aspnetcore_)" $key "" }}
{{- if hasPrefix "authzwebhook__developmentissuer__" $setting }}
{{- fail (printf "extraEnv[%d] %s: the chart never configures the development token issuer; %s"
      $i $e.name "set oidc for a real identity provider") }}
{{- end }}
{{- if and (eq $setting "environment") $e.valueFrom }}
{{- fail (printf "extraEnv[%d] %s: the environment name must be a literal value, so that the chart can check it is not Development (which enables the development token issuer); %s"
      $i $e.name "write it as value") }}
{{- end }}
{{- if and (eq $setting "environment") (eq (lower (trim (toString (default "" $e.value)))) "development") }}
{{- fail (printf "extraEnv[%d] %s: the Development environment enables the development token issuer; %s"
      $i $e.name "use another environment name") }}
{{- end }}
{{- $_ := set $overridden $key true }}
{{- end }}
{{- $env := list }}
{{- range include "authz-webhook.serviceEnv" . | fromYamlArray }}
{{- if not (hasKey $overridden (.name | lower | replace ":" "__")) }}
{{- $env = append $env . }}
{{- end }}
{{- end }}
{{- concat $env .Values.extraEnv | toYaml }}
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
