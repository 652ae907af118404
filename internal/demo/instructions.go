package demo

import (
	"fmt"
	"io"
)

func printInstructions(w io.Writer, r *Running) {
	fmt.Fprintf(w, `
s3-access-manager demo is up (Ctrl-C stops it and removes everything).

  partner API     %[7]s  (demo users: pick one with the X-Forwarded-Email header; admins add X-Forwarded-Groups: %[8]s)
  control plane   export KUBECONFIG=%[1]s
  kubectl         %[2]s
  MinIO           %[3]s  (bucket %[4]s; keys in Secret %[5]s/%[6]s)

Try:
  curl -s -H 'X-Forwarded-Email: alice@partner-a.com' %[7]s/api/v1/me
  curl -s -H 'X-Forwarded-Email: alice@partner-a.com' '%[7]s/api/v1/list?connection=partner-data-prod&bucket=%[4]s&prefix=partner-a/uploads/'
  curl -s -H 'X-Forwarded-Email: alice@partner-a.com' -H 'Content-Type: application/json' -X POST %[7]s/api/v1/uploads \
       -d '{"connection":"partner-data-prod","bucket":"%[4]s","key":"partner-b/uploads/hack.pdf","contentType":"application/pdf","size":3}'
  curl -s -H 'X-Forwarded-Email: admin@example.com' -H 'X-Forwarded-Groups: %[8]s' '%[7]s/api/v1/audit/events?user=alice@partner-a.com'
  %[2]s get s3c,grants -A
  bin/s3am can-i --kubeconfig %[1]s --user alice@partner-a.com write s3://%[4]s/partner-a/uploads/2024/january/invoice-001.pdf
  bin/s3am can-i --kubeconfig %[1]s --user alice@partner-a.com write s3://%[4]s/partner-b/uploads/hack.pdf
  %[2]s apply -f - <<'YAML'
  apiVersion: s3am.io/v1alpha1
  kind: PrefixGrant
  metadata: {name: carol-drop, namespace: s3am-system}
  spec: {bucket: %[4]s, prefix: partner-c/drop/, permissions: [write], subjects: [{kind: User, name: carol@partner-c.com}]}
  YAML
`, r.Kubeconfig, r.Kubectl, r.MinIO, Bucket, OperatorNamespace, demoSecretName, r.URL, AdminGroup)
}
