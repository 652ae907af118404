package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"sigs.k8s.io/yaml"

	"github.com/s3am/s3-access-manager/internal/policy"
)

// Output formats of policy render, named as kubectl's -o names them.
const (
	outputText = "text"
	outputJSON = "json"
	outputYAML = "yaml"
)

// renderedDocument is one generated policy document, minified, and where it
// belongs: document n of the connection's of.
type renderedDocument struct {
	connection string
	n, of      int
	json       []byte
}

// checkOutputFormat refuses an unknown -o before any work is done.
func checkOutputFormat(format string) error {
	switch format {
	case outputText, outputJSON, outputYAML:
		return nil
	}
	return fmt.Errorf("unknown --output %q: use text, json or yaml", format)
}

// writeDocuments prints docs in format. text names each document in a
// comment line for a reader; json and yaml print only the documents, so
// that jq or yq can read them: one document as itself, several as an array,
// in the order text prints them.
func writeDocuments(w io.Writer, format string, docs []renderedDocument) error {
	if format == outputText {
		for _, d := range docs {
			if _, err := fmt.Fprintf(w, "# connection %s, document %d of %d, %d characters\n%s\n", d.connection, d.n, d.of, policy.Size(d.json), d.json); err != nil {
				return err
			}
		}
		return nil
	}
	var value any
	if len(docs) == 1 {
		value = json.RawMessage(docs[0].json)
	} else {
		all := make([]json.RawMessage, len(docs))
		for i, d := range docs {
			all[i] = d.json
		}
		value = all
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(value); err != nil {
		return fmt.Errorf("encode policy documents: %w", err)
	}
	out := buf.Bytes()
	if format == outputYAML {
		y, err := yaml.JSONToYAML(out)
		if err != nil {
			return fmt.Errorf("encode policy documents as YAML: %w", err)
		}
		out = y
	}
	_, err := w.Write(out)
	return err
}
