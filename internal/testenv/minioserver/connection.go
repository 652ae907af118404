package minioserver

import (
	"fmt"
	"strings"
)

// ConnectionYAML is the manifest of an S3Connection name to this server,
// path-style, whose keys are in Secret keysNamespace/keysName; extra are
// more lines of its spec, such as "iam: {mode: Apply, user: app}".
func (s *Server) ConnectionYAML(name, keysNamespace, keysName string, extra ...string) string {
	var more strings.Builder
	for _, line := range extra {
		more.WriteString("  " + line + "\n")
	}
	return fmt.Sprintf(`apiVersion: s3am.io/v1alpha1
kind: S3Connection
metadata: {name: %s}
spec:
  provider: S3Compatible
  endpoint: %s
  pathStyle: true
  auth: {accessKey: {namespace: %s, name: %s}}
%s`, name, s.Endpoint, keysNamespace, keysName, more.String())
}
