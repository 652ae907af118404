package controllers

import (
	"context"
	"slices"
	"testing"

	awsprovider "github.com/s3am/s3-access-manager/internal/providers/aws"
	awsfake "github.com/s3am/s3-access-manager/internal/providers/aws/fake"
	miniofake "github.com/s3am/s3-access-manager/internal/providers/minio/fake"
)

const (
	docA = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::data/a/*"}]}`
	docB = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:PutObject","s3:GetObject"],"Resource":"arn:aws:s3:::data/b/*"}]}`
	// docBAsReturned is docB as a server re-encodes it: arrays, another
	// order, indented.
	docBAsReturned = "{\n \"Version\": \"2012-10-17\",\n \"Statement\": [{\"Effect\": \"Allow\", \"Action\": [\"s3:GetObject\", \"s3:PutObject\"], \"Resource\": [\"arn:aws:s3:::data/b/*\"]}]\n}"
	docWider       = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::data/*"}]}`
)

// targetUnderTest is a policyTarget over a fake store, and what a test needs
// to look at and edit the store behind the target's back.
type targetUnderTest struct {
	target policyTarget
	// names lists the documents the store holds for the principal.
	names func() []string
	// edit replaces a document by hand.
	edit func(name, doc string)
	// foreign writes a document the operator does not own.
	foreign func(name string)
}

func roleTargetOnFake(t *testing.T) targetUnderTest {
	iam := awsfake.NewIAM("app")
	iam.PageSize = 1 // List must follow pages
	return targetUnderTest{
		target:  &roleTarget{store: awsprovider.NewRolePoliciesFrom(iam), role: "app", prefix: "s3am-conn-"},
		names:   func() []string { return iam.Policies("app") },
		edit:    func(name, doc string) { iam.SetPolicy("app", name, doc) },
		foreign: func(name string) { iam.SetPolicy("app", name, docA) },
	}
}

func cannedTargetOnFake(t *testing.T) targetUnderTest {
	store := miniofake.NewPolicyStore("partner")
	ctx := context.Background()
	attached := func() []string {
		names, err := store.Attached(ctx, "partner")
		if err != nil {
			t.Fatal(err)
		}
		slices.Sort(names)
		return names
	}
	return targetUnderTest{
		target: &cannedTarget{store: store, user: "partner", prefix: "s3am-conn-"},
		names:  attached,
		edit: func(name, doc string) {
			if err := store.Put(ctx, name, []byte(doc)); err != nil {
				t.Fatal(err)
			}
		},
		foreign: func(name string) {
			if err := store.Put(ctx, name, []byte(docA)); err != nil {
				t.Fatal(err)
			}
			if err := store.Attach(ctx, "partner", name); err != nil {
				t.Fatal(err)
			}
		},
	}
}

func TestPolicyTargets(t *testing.T) {
	for name, newTarget := range map[string]func(*testing.T) targetUnderTest{
		"AWS role policies":     roleTargetOnFake,
		"MinIO canned policies": cannedTargetOnFake,
	} {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			tt := newTarget(t)
			tt.foreign("someone-elses")
			tt.foreign("s3am-other-1") // another connection's
			want := func(names ...string) {
				t.Helper()
				all := append([]string{"s3am-other-1", "someone-elses"}, names...)
				slices.Sort(all)
				if got := tt.names(); !slices.Equal(got, all) {
					t.Fatalf("documents %v, want %v", got, all)
				}
			}
			drifted := func(docs [][]byte, wantDrift bool) {
				t.Helper()
				got, err := tt.target.Drifted(ctx, docs)
				if err != nil || got != wantDrift {
					t.Fatalf("Drifted = %v, %v; want %v", got, err, wantDrift)
				}
			}

			three := [][]byte{[]byte(docA), []byte(docB), []byte(docA)}
			drifted(three, true) // nothing written yet
			if err := tt.target.Apply(ctx, three); err != nil {
				t.Fatal(err)
			}
			want("s3am-conn-1", "s3am-conn-2", "s3am-conn-3")
			drifted(three, false)

			tt.edit("s3am-conn-2", docBAsReturned)
			drifted(three, false) // the same policy, re-encoded
			tt.edit("s3am-conn-2", docWider)
			drifted(three, true) // a hand edit
			drifted([][]byte{[]byte(docA)}, false)

			// Fewer documents: the stale one goes, nobody else's.
			two := [][]byte{[]byte(docA), []byte(docB)}
			if err := tt.target.Apply(ctx, two); err != nil {
				t.Fatal(err)
			}
			want("s3am-conn-1", "s3am-conn-2")
			drifted(two, false)

			if err := tt.target.Remove(ctx, 2); err != nil {
				t.Fatal(err)
			}
			want()
			if err := tt.target.Remove(ctx, 2); err != nil {
				t.Fatalf("removing again: %v", err)
			}
		})
	}
}

func TestRoleTargetOfAMissingRole(t *testing.T) {
	ctx := context.Background()
	target := &roleTarget{store: awsprovider.NewRolePoliciesFrom(awsfake.NewIAM()), role: "gone", prefix: "s3am-conn-"}
	if err := target.Apply(ctx, [][]byte{[]byte(docA)}); err == nil {
		t.Fatal("Apply to a missing role succeeded")
	}
	if drifted, err := target.Drifted(ctx, [][]byte{[]byte(docA)}); err != nil || !drifted {
		t.Fatalf("Drifted on a missing role = %v, %v; want drifted", drifted, err)
	}
	if err := target.Remove(ctx, 1); err == nil {
		t.Fatal("Remove from a missing role succeeded: the operator cannot know what is left")
	}
}
