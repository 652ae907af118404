// Package manifest reads S3Connection, PrefixGrant and Namespace objects from
// YAML or JSON files, so that `s3am policy` and `s3am can-i` work offline on
// the same files a GitOps pipeline applies.
package manifest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"

	"github.com/s3am/s3-access-manager/api/v1alpha1"
)

// Set holds the objects read from manifests. Objects of other kinds are skipped.
type Set struct {
	Connections []v1alpha1.S3Connection
	Grants      []v1alpha1.PrefixGrant
	Namespaces  []corev1.Namespace
}

// Load reads every .yaml, .yml and .json file named, or found under a named
// directory. Unknown fields in s3am.io objects are errors, as they would be
// for the API server.
func Load(paths ...string) (*Set, error) {
	s := &Set{}
	for _, p := range paths {
		err := filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() || (path != p && !isManifest(path)) {
				return nil
			}
			b, err := os.ReadFile(path)
			if err != nil {
				return fmt.Errorf("read manifest: %w", err)
			}
			if err := s.add(b); err != nil {
				return fmt.Errorf("%s: %w", path, err)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return s, nil
}

func isManifest(path string) bool {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".yaml", ".yml", ".json":
		return true
	}
	return false
}

func (s *Set) add(b []byte) error {
	r := utilyaml.NewYAMLReader(bufioReader(b))
	for {
		doc, err := r.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("split documents: %w", err)
		}
		if len(bytes.TrimSpace(doc)) == 0 {
			continue
		}
		if err := s.addDocument(doc); err != nil {
			return err
		}
	}
}

func (s *Set) addDocument(doc []byte) error {
	var tm metav1.TypeMeta
	if err := yaml.Unmarshal(doc, &tm); err != nil {
		return fmt.Errorf("read kind: %w", err)
	}
	switch {
	case tm.APIVersion == v1alpha1.GroupVersion.String() && tm.Kind == "S3Connection":
		var c v1alpha1.S3Connection
		if err := yaml.UnmarshalStrict(doc, &c); err != nil {
			return fmt.Errorf("S3Connection: %w", err)
		}
		s.Connections = append(s.Connections, c)
	case tm.APIVersion == v1alpha1.GroupVersion.String() && tm.Kind == "PrefixGrant":
		var g v1alpha1.PrefixGrant
		if err := yaml.UnmarshalStrict(doc, &g); err != nil {
			return fmt.Errorf("PrefixGrant: %w", err)
		}
		if g.Namespace == "" {
			g.Namespace = "default"
		}
		s.Grants = append(s.Grants, g)
	case tm.APIVersion == "v1" && tm.Kind == "Namespace":
		var ns corev1.Namespace
		if err := yaml.Unmarshal(doc, &ns); err != nil {
			return fmt.Errorf("Namespace: %w", err)
		}
		s.Namespaces = append(s.Namespaces, ns)
	case tm.Kind == "List":
		var list struct {
			Items []yamlRaw `json:"items"`
		}
		if err := yaml.Unmarshal(doc, &list); err != nil {
			return fmt.Errorf("List: %w", err)
		}
		for _, it := range list.Items {
			if err := s.addDocument(it); err != nil {
				return err
			}
		}
	}
	return nil
}

// Connection returns the named connection, or nil.
func (s *Set) Connection(name string) *v1alpha1.S3Connection {
	for i := range s.Connections {
		if s.Connections[i].Name == name {
			return &s.Connections[i]
		}
	}
	return nil
}

// Namespace returns the named Namespace if the manifests hold it, or a
// Namespace with that name and no labels.
func (s *Set) Namespace(name string) *corev1.Namespace {
	for i := range s.Namespaces {
		if s.Namespaces[i].Name == name {
			return &s.Namespaces[i]
		}
	}
	return &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}}
}
