// Package yamldocs splits the multi-document YAML streams that tests read
// (config/, the samples, rendered charts) into documents, as kubectl does.
package yamldocs

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
)

// JSON returns the documents of r, each converted to JSON; empty documents
// are skipped.
func JSON(r io.Reader) ([][]byte, error) {
	reader := utilyaml.NewYAMLReader(bufio.NewReader(r))
	var docs [][]byte
	for {
		doc, err := reader.Read()
		if errors.Is(err, io.EOF) {
			return docs, nil
		}
		if err != nil {
			return nil, fmt.Errorf("split documents: %w", err)
		}
		j, err := utilyaml.ToJSON(doc)
		if err != nil {
			return nil, fmt.Errorf("document to JSON: %w", err)
		}
		if t := bytes.TrimSpace(j); len(t) == 0 || string(t) == "null" {
			continue
		}
		docs = append(docs, j)
	}
}

// Files returns the .yaml files of dir, in name order, and an error when
// there are none: a test of an empty folder would check nothing.
func Files(dir string) ([]string, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", dir, err)
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no .yaml files in %s", dir)
	}
	return files, nil
}

// ReadFiles returns the documents of every file in paths, in order, as JSON.
func ReadFiles(paths ...string) ([][]byte, error) {
	var docs [][]byte
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("read manifests: %w", err)
		}
		d, err := JSON(bytes.NewReader(b))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		docs = append(docs, d...)
	}
	return docs, nil
}

// Maps returns the documents of every file in paths as maps, with numbers
// as encoding/json reads them (float64), as a kubectl answer is read.
func Maps(paths ...string) ([]map[string]any, error) {
	docs, err := ReadFiles(paths...)
	if err != nil {
		return nil, err
	}
	out := make([]map[string]any, 0, len(docs))
	for _, d := range docs {
		var m map[string]any
		if err := json.Unmarshal(d, &m); err != nil {
			return nil, fmt.Errorf("decode document: %w", err)
		}
		out = append(out, m)
	}
	return out, nil
}

// Objects returns the documents of r as objects. Integers stay int64, as
// the API machinery keeps them.
func Objects(r io.Reader) ([]*unstructured.Unstructured, error) {
	docs, err := JSON(r)
	if err != nil {
		return nil, err
	}
	out := make([]*unstructured.Unstructured, 0, len(docs))
	for _, d := range docs {
		u := &unstructured.Unstructured{}
		if err := u.UnmarshalJSON(d); err != nil {
			return nil, fmt.Errorf("decode object: %w", err)
		}
		out = append(out, u)
	}
	return out, nil
}
