package chart_test

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"

	"github.com/s3am/s3-access-manager/internal/testenv/repo"
	"github.com/s3am/s3-access-manager/internal/testenv/yamldocs"
)

// TestLint runs helm lint --strict with every variant's values.
func TestLint(t *testing.T) {
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			args := append([]string{"lint", "--strict", chartDir(t)}, v.valuesArgs(t)...)
			if out, err := helm(t, args...); err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
		})
	}
}

// TestRenderedObjects checks every variant's render: hardened containers, no
// secret value outside a Secret, and (logged) what it holds.
func TestRenderedObjects(t *testing.T) {
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			out, objs := render(t, v)
			kinds := map[string]int{}
			for _, o := range objs {
				kinds[o.GetKind()]++
			}
			t.Logf("%s: %d bytes, %d objects: %v", v.name, len(out), len(objs), kinds)
			if len(ofKind(objs, "Deployment")) == 0 {
				t.Fatal("no Deployment rendered")
			}
			for _, d := range ofKind(objs, "Deployment") {
				checkPodSecurity(t, d)
				checkNoSecretLiterals(t, d)
			}
			if cms := ofKind(objs, "ConfigMap"); len(cms) > 0 {
				t.Errorf("the chart renders %d ConfigMaps; nothing it configures belongs in one", len(cms))
			}
			for _, o := range objs {
				if ns := o.GetNamespace(); ns != "" && ns != releaseNamespace {
					t.Errorf("%s %s is in namespace %q, not the release's", o.GetKind(), o.GetName(), ns)
				}
			}
		})
	}
}

// checkPodSecurity asserts the hardening of every container of d: non-root,
// read-only root filesystem, no privilege escalation, all capabilities
// dropped, seccomp RuntimeDefault, writable /tmp, probes on /healthz and
// /readyz, resources set.
func checkPodSecurity(t *testing.T, d *unstructured.Unstructured) {
	t.Helper()
	pod, _, _ := unstructured.NestedMap(d.Object, "spec", "template", "spec")
	podSC, _, _ := unstructured.NestedMap(pod, "securityContext")
	if podSC["runAsNonRoot"] != true {
		t.Errorf("%s: pod securityContext.runAsNonRoot is not true", d.GetName())
	}
	if uid, ok := podSC["runAsUser"].(int64); !ok || uid == 0 {
		t.Errorf("%s: pod securityContext.runAsUser = %v, want a non-zero UID", d.GetName(), podSC["runAsUser"])
	}
	if p, _, _ := unstructured.NestedString(podSC, "seccompProfile", "type"); p != "RuntimeDefault" {
		t.Errorf("%s: pod seccompProfile = %q, want RuntimeDefault", d.GetName(), p)
	}
	if pod["hostNetwork"] == true || pod["hostPID"] == true || pod["hostIPC"] == true {
		t.Errorf("%s: the pod shares a host namespace", d.GetName())
	}
	volumes := map[string]map[string]any{}
	vols, _, _ := unstructured.NestedSlice(pod, "volumes")
	for _, v := range vols {
		m := v.(map[string]any)
		volumes[m["name"].(string)] = m
		if _, ok := m["hostPath"]; ok {
			t.Errorf("%s: volume %s is a hostPath", d.GetName(), m["name"])
		}
	}
	for _, field := range []string{"containers", "initContainers"} {
		containers, _, _ := unstructured.NestedSlice(pod, field)
		if field == "containers" && len(containers) == 0 {
			t.Errorf("%s: no containers", d.GetName())
		}
		for _, c := range containers {
			c := c.(map[string]any)
			name := fmt.Sprintf("%s/%s", d.GetName(), c["name"])
			sc, _, _ := unstructured.NestedMap(c, "securityContext")
			want := map[string]any{"runAsNonRoot": true, "readOnlyRootFilesystem": true, "allowPrivilegeEscalation": false}
			for k, w := range want {
				if sc[k] != w {
					t.Errorf("%s: securityContext.%s = %v, want %v", name, k, sc[k], w)
				}
			}
			if sc["privileged"] == true {
				t.Errorf("%s: privileged", name)
			}
			if drop, _, _ := unstructured.NestedStringSlice(sc, "capabilities", "drop"); !slices.Contains(drop, "ALL") {
				t.Errorf("%s: capabilities.drop = %v, want ALL", name, drop)
			}
			if add, _, _ := unstructured.NestedStringSlice(sc, "capabilities", "add"); len(add) > 0 {
				t.Errorf("%s: capabilities.add = %v", name, add)
			}
			if p, _, _ := unstructured.NestedString(sc, "seccompProfile", "type"); p != "RuntimeDefault" {
				t.Errorf("%s: seccompProfile = %q, want RuntimeDefault", name, p)
			}
			if field == "initContainers" {
				continue
			}
			if req, _, _ := unstructured.NestedMap(c, "resources", "requests"); len(req) == 0 {
				t.Errorf("%s: no resource requests", name)
			}
			if lim, _, _ := unstructured.NestedString(c, "resources", "limits", "memory"); lim == "" {
				t.Errorf("%s: no memory limit", name)
			}
			for probe, path := range map[string]string{"livenessProbe": "/healthz", "readinessProbe": "/readyz"} {
				if p, _, _ := unstructured.NestedString(c, probe, "httpGet", "path"); p != path {
					t.Errorf("%s: %s path = %q, want %s", name, probe, p, path)
				}
			}
			tmp := false
			mounts, _, _ := unstructured.NestedSlice(c, "volumeMounts")
			for _, m := range mounts {
				m := m.(map[string]any)
				if m["mountPath"] == "/tmp" {
					_, tmp = volumes[m["name"].(string)]["emptyDir"]
				}
			}
			if !tmp {
				t.Errorf("%s: /tmp is not an emptyDir; the root filesystem is read-only", name)
			}
		}
	}
}

// secretish matches the names of env variables and flags that carry secrets.
var secretish = regexp.MustCompile(`(?i)secret|password|passwd|token|dsn|session[-_]?key|private`)

// checkNoSecretLiterals asserts that d's containers take every secret from a
// Secret: env variables named like secrets use secretKeyRef, no flag passes
// one, and no env variable of the server's secrets has a literal value.
func checkNoSecretLiterals(t *testing.T, d *unstructured.Unstructured) {
	t.Helper()
	containers, _, _ := unstructured.NestedSlice(d.Object, "spec", "template", "spec", "containers")
	for _, c := range containers {
		c := c.(map[string]any)
		name := fmt.Sprintf("%s/%s", d.GetName(), c["name"])
		env, _, _ := unstructured.NestedSlice(c, "env")
		for _, e := range env {
			e := e.(map[string]any)
			n := e["name"].(string)
			if _, literal := e["value"]; literal && secretish.MatchString(n) {
				t.Errorf("%s: env %s has a literal value; secrets come from secretKeyRef", name, n)
			}
			if secretish.MatchString(n) {
				if ref, _, _ := unstructured.NestedString(e, "valueFrom", "secretKeyRef", "name"); ref == "" {
					t.Errorf("%s: env %s does not come from a Secret", name, n)
				}
			}
		}
		if from, ok := c["envFrom"].([]any); ok {
			for _, f := range from {
				if _, cm := f.(map[string]any)["configMapRef"]; cm {
					t.Errorf("%s: envFrom a ConfigMap", name)
				}
			}
		}
		args, _, _ := unstructured.NestedStringSlice(c, "args")
		for _, a := range args {
			flag, _, _ := strings.Cut(a, "=")
			if secretish.MatchString(flag) {
				t.Errorf("%s: flag %q looks like it carries a secret; flags show in process listings", name, a)
			}
		}
	}
}

// TestCRDsMatchConfig checks that the rendered CRDs have exactly the spec of
// config/crd/bases, are kept on uninstall, and go away with crds.enabled=false.
func TestCRDsMatchConfig(t *testing.T) {
	_, objs := render(t, variants[0])
	bases := repo.MustPath(t, "config", "crd", "bases")
	entries, err := os.ReadDir(bases)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		base := readObjects(t, bases+"/"+e.Name())[0]
		got := named(t, objs, "CustomResourceDefinition", base.GetName())
		if diff := yamlDiff(base.Object["spec"], got.Object["spec"]); diff != "" {
			t.Errorf("CRD %s: spec differs from config/crd/bases:\n%s", base.GetName(), diff)
		}
		if got.GetAnnotations()["helm.sh/resource-policy"] != "keep" {
			t.Errorf("CRD %s lacks helm.sh/resource-policy: keep", base.GetName())
		}
	}
	if n := len(ofKind(objs, "CustomResourceDefinition")); n != len(entries) {
		t.Errorf("%d CRDs rendered, config/crd/bases has %d", n, len(entries))
	}
	_, without := render(t, variant{name: "no-crds", values: []string{"crds.enabled=false"}})
	if n := len(ofKind(without, "CustomResourceDefinition")); n != 0 {
		t.Errorf("crds.enabled=false still renders %d CRDs", n)
	}
}

// TestOperatorRBACMatchesConfig checks that the operator's ClusterRole and
// Role hold exactly the rules controller-gen wrote to config/rbac/role.yaml,
// the Role in the release's namespace.
func TestOperatorRBACMatchesConfig(t *testing.T) {
	_, objs := render(t, variants[0])
	path := repo.MustPath(t, "config", "rbac", "role.yaml")
	for _, want := range readObjects(t, path) {
		got := named(t, objs, want.GetKind(), "s3am-operator")
		if diff := yamlDiff(want.Object["rules"], got.Object["rules"]); diff != "" {
			t.Errorf("%s s3am-operator: rules differ from config/rbac/role.yaml:\n%s", want.GetKind(), diff)
		}
	}
}

// TestServerRBAC checks that the server only reads, except that it creates
// and patches AccessLinks (the links API, and the use count in their
// status), and may create TokenReviews only when it accepts ServiceAccount
// tokens.
func TestServerRBAC(t *testing.T) {
	accessLinkWrites := map[string][]string{
		"accesslinks":        {"get", "list", "watch", "create", "patch"},
		"accesslinks/status": {"get", "patch"},
	}
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			_, objs := render(t, v)
			role := named(t, objs, "ClusterRole", "s3am-server")
			rules, _, _ := unstructured.NestedSlice(role.Object, "rules")
			tokenReviews := false
			for _, r := range rules {
				r := r.(map[string]any)
				res, _, _ := unstructured.NestedStringSlice(r, "resources")
				verbs, _, _ := unstructured.NestedStringSlice(r, "verbs")
				if slices.Contains(res, "tokenreviews") {
					tokenReviews = true
					if !reflect.DeepEqual(res, []string{"tokenreviews"}) || !reflect.DeepEqual(verbs, []string{"create"}) {
						t.Errorf("tokenreviews rule = %v %v, want create on tokenreviews only", res, verbs)
					}
					continue
				}
				if writes, ok := accessLinkWrites[strings.Join(res, ",")]; ok {
					if !reflect.DeepEqual(verbs, writes) {
						t.Errorf("%v rule = %v, want %v", res, verbs, writes)
					}
					continue
				}
				for _, verb := range verbs {
					if verb != "get" && verb != "list" && verb != "watch" {
						t.Errorf("the server may %s %v; it only reads", verb, res)
					}
				}
				if slices.Contains(res, "*") || slices.Contains(verbs, "*") {
					t.Errorf("wildcard rule %v %v", res, verbs)
				}
			}
			serviceAccounts := slices.Contains(containerArgs(t, named(t, objs, "Deployment", "s3am-server")), "--service-accounts")
			if tokenReviews != serviceAccounts {
				t.Errorf("create tokenreviews = %v, but --service-accounts = %v", tokenReviews, serviceAccounts)
			}
		})
	}
}

// containerArgs returns the args of d's first container.
func containerArgs(t *testing.T, d *unstructured.Unstructured) []string {
	t.Helper()
	containers, _, _ := unstructured.NestedSlice(d.Object, "spec", "template", "spec", "containers")
	if len(containers) == 0 {
		t.Fatalf("%s has no containers", d.GetName())
	}
	args, _, _ := unstructured.NestedStringSlice(containers[0].(map[string]any), "args")
	return args
}

// readObjects decodes the manifests in path.
func readObjects(t *testing.T, path string) []*unstructured.Unstructured {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	objs, err := yamldocs.Objects(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return objs
}

// yamlDiff returns "" when want and got are equal, else both as YAML, from
// the first line that differs.
func yamlDiff(want, got any) string {
	if reflect.DeepEqual(want, got) {
		return ""
	}
	w, _ := yaml.Marshal(want)
	g, _ := yaml.Marshal(got)
	wl, gl := strings.Split(string(w), "\n"), strings.Split(string(g), "\n")
	i := 0
	for i < len(wl) && i < len(gl) && wl[i] == gl[i] {
		i++
	}
	from := max(0, i-3)
	clip := func(lines []string) string {
		return strings.Join(lines[min(from, len(lines)):min(i+8, len(lines))], "\n")
	}
	return fmt.Sprintf("first difference at line %d\n--- want\n%s\n--- got\n%s", i+1, clip(wl), clip(gl))
}

// base64Decode decodes a Secret's data value.
func base64Decode(t *testing.T, v any) []byte {
	t.Helper()
	s, _ := v.(string)
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		t.Fatalf("not base64: %v", err)
	}
	return b
}
