package policy_test

import (
	"testing"

	"github.com/s3am/s3-access-manager/internal/policy"
)

func TestEquivalent(t *testing.T) {
	const base = `{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::data/a/*"},{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::data","Condition":{"StringLike":{"s3:prefix":["a/*","a/"]}}}]}`
	cases := []struct {
		name  string
		other string
		want  bool
	}{
		{"itself", base, true},
		{"as MinIO returns it: arrays, reordered sets, statements swapped, Sid dropped, indented",
			`{
 "Version": "2012-10-17",
 "Statement": [
  {"Effect":"Allow","Action":["s3:ListBucket"],"Resource":["arn:aws:s3:::data"],"Condition":{"StringLike":{"s3:prefix":["a/","a/*"]}}},
  {"Effect":"Allow","Action":["s3:PutObject","s3:GetObject"],"Resource":["arn:aws:s3:::data/a/*"]}
 ]}`, true},
		{"a duplicated statement", `{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::data/a/*"},{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::data/a/*"},{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::data","Condition":{"StringLike":{"s3:prefix":["a/*","a/"]}}}]}`, true},
		{"another prefix", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::data/b/*"},{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::data","Condition":{"StringLike":{"s3:prefix":["a/*","a/"]}}}]}`, false},
		{"an extra action", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject","s3:DeleteObject"],"Resource":"arn:aws:s3:::data/a/*"},{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::data","Condition":{"StringLike":{"s3:prefix":["a/*","a/"]}}}]}`, false},
		{"a condition dropped", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::data/a/*"},{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::data"}]}`, false},
		{"Deny instead of Allow", `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::data/a/*"},{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::data","Condition":{"StringLike":{"s3:prefix":["a/*","a/"]}}}]}`, false},
		{"a statement missing", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::data/a/*"}]}`, false},
		{"another version", `{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::data/a/*"},{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::data","Condition":{"StringLike":{"s3:prefix":["a/*","a/"]}}}]}`, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for _, order := range [][2]string{{base, tc.other}, {tc.other, base}} {
				got, err := policy.Equivalent([]byte(order[0]), []byte(order[1]))
				if err != nil || got != tc.want {
					t.Fatalf("Equivalent() = %v, %v; want %v", got, err, tc.want)
				}
			}
		})
	}
}

func TestEquivalentReadsMinIOWildcardRewrite(t *testing.T) {
	// MinIO stores the resource "*" and answers "**"; both match everything.
	sent := `{"Version":"2012-10-17","Statement":[{"Sid":"NoGrants","Effect":"Deny","Action":"s3:*","Resource":"*"}]}`
	got := `{"Version":"2012-10-17","Statement":[{"Sid":"NoGrants","Effect":"Deny","Action":["s3:*"],"Resource":["**"]}]}`
	if ok, err := policy.Equivalent([]byte(sent), []byte(got)); !ok || err != nil {
		t.Fatalf("Equivalent() = %v, %v; want true", ok, err)
	}
}

func TestEquivalentRejectsInvalidJSON(t *testing.T) {
	if _, err := policy.Equivalent([]byte(`{"Version":`), []byte(`{}`)); err == nil {
		t.Fatal("Equivalent(invalid JSON) succeeded")
	}
}
