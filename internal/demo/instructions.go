package demo

import (
	"fmt"
	"io"
	"strings"
)

func printInstructions(w io.Writer, r *Running) {
	var users strings.Builder
	for _, u := range Users {
		fmt.Fprintf(&users, "                    %-28s %s\n", u.User, u.Description)
	}
	fmt.Fprintf(w, `
s3-access-manager demo is up (Ctrl-C stops it and removes everything).

  web app         %[7]s  (open it in a browser and sign in as a demo user:)
%[9]s
  control plane   export KUBECONFIG=%[1]s
  kubectl         %[2]s
  MinIO           %[3]s  (bucket %[4]s; keys in Secret %[5]s/%[6]s)

Grant alice a new folder and watch it appear on her "Your buckets" page:
  %[2]s --kubeconfig %[1]s apply -f - <<'YAML'
%[10]sYAML

The same API from the command line (demo users are picked with identity headers, from loopback only):
  curl -s -H 'X-Forwarded-Email: alice@partner-a.com' '%[7]s/api/v1/list?connection=partner-data-prod&bucket=%[4]s&prefix=partner-a/uploads/'
  curl -s -H 'X-Forwarded-Email: alice@partner-a.com' -H 'Content-Type: application/json' -X POST %[7]s/api/v1/uploads \
       -d '{"connection":"partner-data-prod","bucket":"%[4]s","key":"partner-b/uploads/hack.pdf","contentType":"application/pdf","size":3}'
  curl -s -H 'X-Forwarded-Email: admin@example.com' -H 'X-Forwarded-Groups: %[8]s' '%[7]s/api/v1/audit/events?user=alice@partner-a.com'
  %[2]s --kubeconfig %[1]s get s3c,grants -A
  bin/s3am can-i --kubeconfig %[1]s --user alice@partner-a.com write s3://%[4]s/partner-b/uploads/hack.pdf
`, r.Kubeconfig, r.Kubectl, r.MinIO, Bucket, OperatorNamespace, demoSecretName, r.URL, AdminGroup, strings.TrimRight(users.String(), "\n"), NewGrantExample)
}

// NewGrantExample is the grant the instructions suggest applying: a new
// folder for alice, which her dashboard shows within seconds.
const NewGrantExample = `apiVersion: s3am.io/v1alpha1
kind: PrefixGrant
metadata: {name: alice-contracts, namespace: s3am-system}
spec: {bucket: partner-data, prefix: shared/contracts/, permissions: [read, write, list, delete], subjects: [{kind: User, name: alice@partner-a.com}]}
`
