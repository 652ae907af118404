package accessreview

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
	"unicode"
)

// Format is an output format of Write.
type Format string

// Formats.
const (
	// FormatText is a table for people.
	FormatText Format = "text"
	// FormatJSON is one JSON array of rows.
	FormatJSON Format = "json"
	// FormatJSONL is one JSON row per line, for exports.
	FormatJSONL Format = "jsonl"
	// FormatCSV is a header and one line per row. Values that a spreadsheet
	// would run as formulas are prefixed with "'"; use FormatJSONL for the
	// exact values.
	FormatCSV Format = "csv"
)

// ParseFormat accepts "text", "json", "jsonl" and "csv".
func ParseFormat(s string) (Format, error) {
	switch f := Format(s); f {
	case FormatText, FormatJSON, FormatJSONL, FormatCSV:
		return f, nil
	}
	return "", fmt.Errorf("unknown format %q: use text, json, jsonl or csv", s)
}

// CSVHeader names the columns of FormatCSV.
var CSVHeader = []string{
	"subjectKind", "subject", "namespace", "name", "connection", "bucket", "prefix", "permissions",
	"validFrom", "validUntil", "status", "inEffect", "expiringSoon", "lastTransition", "message",
}

// Write writes rows to w in format f.
func Write(w io.Writer, f Format, rows []Row) error {
	switch f {
	case FormatJSON:
		if rows == nil {
			rows = []Row{}
		}
		return newJSONEncoder(w).Encode(rows)
	case FormatJSONL:
		enc := newJSONEncoder(w)
		for i := range rows {
			if err := enc.Encode(&rows[i]); err != nil {
				return err
			}
		}
		return nil
	case FormatCSV:
		return writeCSV(w, rows)
	case FormatText:
		return writeText(w, rows)
	}
	return fmt.Errorf("unknown format %q", f)
}

func newJSONEncoder(w io.Writer) *json.Encoder {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc
}

func writeCSV(w io.Writer, rows []Row) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVHeader); err != nil {
		return err
	}
	for i := range rows {
		r := &rows[i]
		if err := cw.Write([]string{
			csvText(r.SubjectKind), csvText(r.Subject), csvText(r.Namespace), csvText(r.Name),
			csvText(r.Connection), csvText(r.Bucket), csvText(r.Prefix), strings.Join(r.Permissions, " "),
			formatTime(r.ValidFrom), formatTime(r.ValidUntil), csvText(r.Status), strconv.FormatBool(r.InEffect),
			strconv.FormatBool(r.ExpiringSoon), formatTime(r.LastTransition), csvText(r.Message),
		}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// csvText keeps spreadsheets from running a value as a formula.
func csvText(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

func formatTime(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func writeText(w io.Writer, rows []Row) error {
	if len(rows) == 0 {
		_, err := fmt.Fprintln(w, "no grants match")
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SUBJECT\tGRANT\tCONNECTION\tBUCKET/PREFIX\tPERMISSIONS\tVALID UNTIL\tSTATUS")
	for i := range rows {
		r := &rows[i]
		until := "-"
		if r.ValidUntil != nil {
			until = formatTime(r.ValidUntil)
		}
		if r.ExpiringSoon {
			until += " (soon)"
		}
		fmt.Fprintf(tw, "%s:%s\t%s\t%s\t%s/%s\t%s\t%s\t%s\n",
			strings.ToLower(r.SubjectKind), printable(r.Subject), printable(r.Grant()), printable(r.Connection),
			r.Bucket, printable(r.Prefix), strings.Join(r.Permissions, ","), until, printable(r.Status))
	}
	return tw.Flush()
}

// printable quotes a value that would not read as itself in a terminal.
func printable(s string) string {
	if strings.IndexFunc(s, func(r rune) bool { return !unicode.IsPrint(r) || r == '\t' }) >= 0 {
		return strconv.Quote(s)
	}
	return s
}
