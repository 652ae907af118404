package demo

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"

	admissionv1 "k8s.io/api/admissionregistration/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"

	"github.com/s3am/s3-access-manager/config"
)

// documents returns the YAML documents of the embedded files matching glob.
func documents(glob string) ([][]byte, error) {
	files, err := fs.Glob(config.Files, glob)
	if err != nil {
		return nil, fmt.Errorf("embedded %s: %w", glob, err)
	}
	var docs [][]byte
	for _, f := range files {
		b, err := fs.ReadFile(config.Files, f)
		if err != nil {
			return nil, fmt.Errorf("read embedded %s: %w", f, err)
		}
		r := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(b)))
		for {
			doc, err := r.Read()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return nil, fmt.Errorf("split %s: %w", f, err)
			}
			if len(bytes.TrimSpace(doc)) > 0 {
				docs = append(docs, doc)
			}
		}
	}
	return docs, nil
}

func crds() ([]*apiextensionsv1.CustomResourceDefinition, error) {
	docs, err := documents(path.Join("crd", "bases", "*.yaml"))
	if err != nil {
		return nil, err
	}
	out := make([]*apiextensionsv1.CustomResourceDefinition, 0, len(docs))
	for _, d := range docs {
		crd := &apiextensionsv1.CustomResourceDefinition{}
		if err := yaml.UnmarshalStrict(d, crd); err != nil {
			return nil, fmt.Errorf("decode CRD: %w", err)
		}
		out = append(out, crd)
	}
	return out, nil
}

func webhookConfigurations() ([]*admissionv1.MutatingWebhookConfiguration, []*admissionv1.ValidatingWebhookConfiguration, error) {
	docs, err := documents(path.Join("webhook", "manifests.yaml"))
	if err != nil {
		return nil, nil, err
	}
	var (
		mutating   []*admissionv1.MutatingWebhookConfiguration
		validating []*admissionv1.ValidatingWebhookConfiguration
	)
	for _, d := range docs {
		var kind struct {
			Kind string `json:"kind"`
		}
		if err := yaml.Unmarshal(d, &kind); err != nil {
			return nil, nil, fmt.Errorf("webhook kind: %w", err)
		}
		switch kind.Kind {
		case "MutatingWebhookConfiguration":
			m := &admissionv1.MutatingWebhookConfiguration{}
			if err := yaml.UnmarshalStrict(d, m); err != nil {
				return nil, nil, fmt.Errorf("decode %s: %w", kind.Kind, err)
			}
			mutating = append(mutating, m)
		case "ValidatingWebhookConfiguration":
			v := &admissionv1.ValidatingWebhookConfiguration{}
			if err := yaml.UnmarshalStrict(d, v); err != nil {
				return nil, nil, fmt.Errorf("decode %s: %w", kind.Kind, err)
			}
			validating = append(validating, v)
		}
	}
	return mutating, validating, nil
}
