// Package boundaries_test holds the import table of docs/design.md: every
// package it lists must not depend, even indirectly, on what the table's
// last column names. So dependencies point one way, and the pure packages
// (policy engine, authorization index, key validation) import neither
// Kubernetes nor the AWS SDK nor the network.
package boundaries_test

import (
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"github.com/s3am/s3-access-manager/internal/testenv/repo"
)

const module = "github.com/s3am/s3-access-manager"

// rule is one row of the table: packages and what they must not depend on.
type rule struct {
	packages  []string
	forbidden []string
}

var quoted = regexp.MustCompile("`([^`]+)`")

// designRules reads the table under "Packages, each with one job" in
// docs/design.md; names without a dot are this module's packages.
func designRules(t *testing.T) []rule {
	t.Helper()
	p := repo.MustPath(t, "docs", "design.md")
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	var rules []rule
	for _, line := range strings.Split(string(b), "\n") {
		cells := strings.Split(line, "|")
		if len(cells) != 6 || !strings.Contains(cells[1], "`") {
			continue
		}
		r := rule{packages: names(cells[1]), forbidden: names(cells[4])}
		if len(r.forbidden) > 0 {
			rules = append(rules, r)
		}
	}
	return rules
}

// names returns the backquoted names of a cell, with module paths made full.
func names(cell string) []string {
	var out []string
	for _, m := range quoted.FindAllStringSubmatch(cell, -1) {
		n := m[1]
		if !strings.Contains(strings.SplitN(n, "/", 2)[0], ".") && n != "net" {
			n = module + "/" + n
		}
		out = append(out, n)
	}
	return out
}

// covers reports whether name is pkg or a package below it.
func covers(name, pkg string) bool {
	return pkg == name || strings.HasPrefix(pkg, name+"/")
}

func TestDependenciesFollowTheDesignTable(t *testing.T) {
	rules := designRules(t)
	if len(rules) < 20 {
		t.Fatalf("docs/design.md's import table has %d rows with forbidden dependencies; the table or its parsing changed", len(rules))
	}
	for _, r := range rules {
		for _, pkg := range r.packages {
			t.Run(strings.TrimPrefix(pkg, module+"/"), func(t *testing.T) {
				out, err := exec.Command("go", "list", "-deps", pkg).Output()
				if err != nil {
					t.Fatalf("go list -deps %s: %v", pkg, err)
				}
				for _, dep := range strings.Fields(string(out)) {
					for _, f := range r.forbidden {
						if covers(f, dep) && !covers(pkg, dep) {
							t.Errorf("%s depends on %s, which docs/design.md forbids (%s)", pkg, dep, f)
						}
					}
				}
			})
		}
	}
}

func TestTheTableParses(t *testing.T) {
	got := names("`internal/keys`, `net`, `k8s.io`, `github.com/aws`")
	want := []string{module + "/internal/keys", "net", "k8s.io", "github.com/aws"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("names = %v, want %v", got, want)
	}
	if !covers("net", "net/http") || covers("net", "netip") || !covers(module+"/server", module+"/server/auth") {
		t.Fatal("covers matches the wrong packages")
	}
}
