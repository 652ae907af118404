{{/*
s3am.prefix is the prefix of every object name: nameOverride, else the release
name. With release "s3am" the names match config/default's.
*/}}
{{- define "s3am.prefix" -}}
{{- default .Release.Name .Values.nameOverride | trunc 40 | trimSuffix "-" -}}
{{- end -}}

{{/* s3am.labels are the labels of every object; pass (dict "ctx" $ "component" "operator"). */}}
{{- define "s3am.labels" -}}
app.kubernetes.io/name: s3-access-manager
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
app.kubernetes.io/version: {{ .ctx.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .ctx.Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .ctx.Chart.Name .ctx.Chart.Version }}
{{- with .component }}
app.kubernetes.io/component: {{ . }}
{{- end }}
{{- with .ctx.Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* s3am.selector selects the pods of one component; pass (dict "ctx" $ "component" "server"). */}}
{{- define "s3am.selector" -}}
app.kubernetes.io/name: s3-access-manager
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* s3am.image is the container image, by digest when one is given. */}}
{{- define "s3am.image" -}}
{{- if .Values.image.digest -}}
{{ .Values.image.repository }}@{{ .Values.image.digest }}
{{- else -}}
{{ .Values.image.repository }}:{{ default .Chart.AppVersion .Values.image.tag }}
{{- end -}}
{{- end -}}

{{/*
s3am.podSecurityContext and s3am.containerSecurityContext harden every pod:
non-root (the image's nonroot user, 65532), read-only root filesystem, no
privilege escalation, no capabilities, the runtime's default seccomp profile.
They are not values: nothing in s3am needs more.
*/}}
{{- define "s3am.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 65532
runAsGroup: 65532
fsGroup: 65532
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "s3am.containerSecurityContext" -}}
runAsNonRoot: true
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
privileged: false
capabilities:
  drop: ["ALL"]
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* s3am.webhookService is the webhook Service's name, as in config/webhook. */}}
{{- define "s3am.webhookService" -}}
{{ include "s3am.prefix" . }}-webhook-service
{{- end -}}

{{/* s3am.webhookSecret holds the webhook server's certificate (tls.crt, tls.key, ca.crt). */}}
{{- define "s3am.webhookSecret" -}}
{{ include "s3am.prefix" . }}-webhook-server-cert
{{- end -}}

{{/* s3am.servingCert is cert-manager's Certificate for the webhook server. */}}
{{- define "s3am.servingCert" -}}
{{ include "s3am.prefix" . }}-serving-cert
{{- end -}}

{{/* s3am.browserLogin is "true" when the server's OIDC browser login is configured. */}}
{{- define "s3am.browserLogin" -}}
{{- if and .Values.server.auth.oidc.issuer .Values.server.auth.oidc.redirectURL -}}true{{- end -}}
{{- end -}}

{{/* s3am.sessionSecret names the Secret with the session key: the user's, or the generated one. */}}
{{- define "s3am.sessionSecret" -}}
{{- default (printf "%s-server-session" (include "s3am.prefix" .)) .Values.server.auth.session.existingSecret -}}
{{- end -}}

{{/* s3am.podScheduling renders the scheduling fields of a component's pod spec. */}}
{{- define "s3am.podScheduling" -}}
{{- with .priorityClassName }}
priorityClassName: {{ . }}
{{- end }}
{{- with .nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .topologySpreadConstraints }}
topologySpreadConstraints:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/* s3am.validate fails the render on combinations the schema cannot express. */}}
{{- define "s3am.validate" -}}
{{- if and (gt (int .Values.operator.replicas) 1) (not .Values.operator.leaderElect) -}}
{{- fail "operator.leaderElect must be true when operator.replicas > 1: only the leader may write IAM policies" -}}
{{- end -}}
{{- $srv := .Values.server -}}
{{- if $srv.enabled -}}
{{- if not (or $srv.auth.serviceAccounts $srv.auth.oidc.issuer $srv.auth.proxy.trustedCIDRs) -}}
{{- fail "server: set auth.serviceAccounts, auth.oidc.issuer or auth.proxy.trustedCIDRs: the server refuses to start with no way to authenticate" -}}
{{- end -}}
{{- if and $srv.auth.oidc.issuer (not $srv.auth.oidc.clientID) -}}
{{- fail "server.auth.oidc.clientID is required with server.auth.oidc.issuer" -}}
{{- end -}}
{{- if and $srv.auth.oidc.redirectURL (not $srv.auth.oidc.issuer) -}}
{{- fail "server.auth.oidc.redirectURL needs server.auth.oidc.issuer" -}}
{{- end -}}
{{- if and (eq $srv.audit.store "sqlite") $srv.audit.sqlite.persistence.enabled (gt (int $srv.replicas) 1) -}}
{{- fail "server.audit.sqlite.persistence needs server.replicas 1 (one SQLite file cannot be shared by pods); use server.audit.store postgres for several replicas" -}}
{{- end -}}
{{- if and (eq $srv.audit.store "postgres") (not $srv.audit.postgres.existingSecret) -}}
{{- fail "server.audit.postgres.existingSecret is required with server.audit.store postgres" -}}
{{- end -}}
{{- if and $srv.ingress.enabled (not $srv.ingress.host) -}}
{{- fail "server.ingress.host is required with server.ingress.enabled" -}}
{{- end -}}
{{- end -}}
{{- end -}}
