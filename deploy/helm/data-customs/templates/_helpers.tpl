{{- define "customs.name" -}}{{ .Release.Name }}-data-customs{{- end }}
{{- define "customs.labels" -}}
app.kubernetes.io/name: data-customs
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
helm.sh/chart: {{ .Chart.Name }}-{{ .Chart.Version }}
{{- end }}
{{- define "customs.selector" -}}
app.kubernetes.io/name: data-customs
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}
{{- define "customs.keysSecret" -}}{{ .Values.keys.existingSecret | default (printf "%s-keys" (include "customs.name" .)) }}{{- end }}
{{- define "customs.saslSecret" -}}{{ index .Values.kafka . "existingSecret" }}{{- end }}
{{- define "customs.workerReplicas" -}}
{{- $w := .Values.workers -}}
{{- $n := div (add $w.peakRecordsPerSecond (sub $w.recordsPerSecondPerWorker 1)) $w.recordsPerSecondPerWorker -}}
{{- $n = max $n $w.minReplicas -}}
{{- if gt (int $n) (int .Values.topics.partitions) -}}
{{- fail (printf "workers: %d replicas but %d partitions; a partition is read by one worker, so raise topics.partitions" (int $n) (int .Values.topics.partitions)) -}}
{{- end -}}
{{- $n -}}
{{- end }}
{{/* Environment shared by workers and the review service; COMPONENT is gateway or review. */}}
{{- define "customs.env" -}}
{{- $root := .root -}}
- name: CUSTOMS_BOOTSTRAP_SERVERS
  value: {{ $root.Values.kafka.bootstrapServers | quote }}
- name: CUSTOMS_APP_ID
  value: {{ $root.Values.appId | quote }}
- name: CUSTOMS_TOPIC_PREFIX
  value: {{ $root.Values.topics.prefix | quote }}
- name: CUSTOMS_INBOUND_TOPICS
  value: {{ join "," $root.Values.topics.inbound | quote }}
- name: CUSTOMS_PARTITIONS
  value: {{ $root.Values.topics.partitions | quote }}
- name: CUSTOMS_REPLICATION_FACTOR
  value: {{ $root.Values.topics.replicationFactor | quote }}
- name: CUSTOMS_POLICY
  value: {{ $root.Values.policy | quote }}
- name: CUSTOMS_LOG_LEVEL
  value: {{ $root.Values.logLevel | quote }}
- name: CUSTOMS_KAFKA_SECURITY_PROTOCOL
  value: {{ $root.Values.kafka.securityProtocol | quote }}
{{- if hasPrefix "SASL_" $root.Values.kafka.securityProtocol }}
- name: CUSTOMS_KAFKA_SASL_MECHANISM
  value: {{ $root.Values.kafka.saslMechanism | quote }}
- name: CUSTOMS_KAFKA_SASL_USERNAME
  value: {{ (index $root.Values.kafka .component).username | quote }}
- name: CUSTOMS_KAFKA_SASL_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ (index $root.Values.kafka .component).existingSecret | default (printf "%s-kafka-%s" (include "customs.name" $root) .component) }}
      key: password
{{- end }}
{{- if hasSuffix "SSL" $root.Values.kafka.securityProtocol }}
- name: CUSTOMS_KAFKA_SSL_CHECK_HOSTNAME
  value: {{ $root.Values.kafka.checkHostname | quote }}
{{- if $root.Values.kafka.tls.existingSecret }}
- name: CUSTOMS_KAFKA_SSL_CA_FILE
  value: /etc/customs/kafka-tls/ca.crt
{{- if $root.Values.kafka.tls.clientCertificate }}
- name: CUSTOMS_KAFKA_SSL_CERT_FILE
  value: /etc/customs/kafka-tls/tls.crt
- name: CUSTOMS_KAFKA_SSL_KEY_FILE
  value: /etc/customs/kafka-tls/tls.key
{{- end }}
{{- end }}
{{- end }}
- name: CUSTOMS_PSEUDONYM_KEY
  valueFrom: {secretKeyRef: {name: {{ include "customs.keysSecret" $root }}, key: pseudonym-key}}
- name: CUSTOMS_TOKEN_KEY
  valueFrom: {secretKeyRef: {name: {{ include "customs.keysSecret" $root }}, key: token-key}}
- name: CUSTOMS_AUDIT_KEY_FILE
  value: /etc/customs/keys/audit-signing.key
{{- end }}
{{- define "customs.volumes" -}}
- name: keys
  secret:
    secretName: {{ include "customs.keysSecret" . }}
    defaultMode: 0400
    items: [{key: audit-signing.key, path: audit-signing.key}]
- name: home
  emptyDir: {}
{{- if .Values.kafka.tls.existingSecret }}
- name: kafka-tls
  secret:
    secretName: {{ .Values.kafka.tls.existingSecret }}
    defaultMode: 0400
{{- end }}
{{- end }}
{{- define "customs.mounts" -}}
- {name: keys, mountPath: /etc/customs/keys, readOnly: true}
- {name: home, mountPath: /var/lib/customs}
{{- if .Values.kafka.tls.existingSecret }}
- {name: kafka-tls, mountPath: /etc/customs/kafka-tls, readOnly: true}
{{- end }}
{{- end }}
{{- define "customs.securityContext" -}}
runAsNonRoot: true
runAsUser: 10001
runAsGroup: 10001
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
capabilities: {drop: [ALL]}
seccompProfile: {type: RuntimeDefault}
{{- end }}
