package audit

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"time"
)

// CSVHeader is the header row of FormatCSV, the JSON names of Event's fields.
var CSVHeader = []string{
	"seq", "time", "requestId", "user", "groups", "sourceIp", "userAgent", "action",
	"connection", "bucket", "key", "decision", "reason", "grant", "outcome", "error",
	"bytes", "etag", "writer", "prevHash", "hash",
}

// Export writes every event matching f to w in format, reading q page by
// page (MaxPageSize events at a time, whatever f.Limit says) from f.Cursor
// on, so memory stays bounded however many events match.
func Export(ctx context.Context, q Querier, f Filter, format Format, w io.Writer) error {
	if _, err := ParseFormat(string(format)); err != nil {
		return err
	}
	f.Limit = MaxPageSize
	bw := bufio.NewWriterSize(w, 64<<10)
	enc := newEncoder(format, bw)
	if err := enc.header(); err != nil {
		return err
	}
	for {
		page, err := q.Query(ctx, f)
		if err != nil {
			return fmt.Errorf("export: %w", err)
		}
		for i := range page.Events {
			if err := enc.event(&page.Events[i]); err != nil {
				return err
			}
		}
		if err := enc.flush(); err != nil {
			return err
		}
		if err := bw.Flush(); err != nil {
			return fmt.Errorf("export: write: %w", err)
		}
		if page.Next == "" {
			return nil
		}
		f.Cursor = page.Next
	}
}

type encoder struct {
	json io.Writer // FormatJSONL: the lines go here
	line []byte
	csv  *csv.Writer
	row  []string
}

func newEncoder(format Format, w io.Writer) *encoder {
	if format == FormatCSV {
		return &encoder{csv: csv.NewWriter(w), row: make([]string, len(CSVHeader))}
	}
	return &encoder{json: w}
}

func (e *encoder) header() error {
	if e.csv == nil {
		return nil
	}
	if err := e.csv.Write(CSVHeader); err != nil {
		return fmt.Errorf("export: write: %w", err)
	}
	return nil
}

func (e *encoder) event(ev *Event) error {
	if e.json != nil {
		var err error
		if e.line, err = appendJSONLine(e.line[:0], ev); err != nil {
			return fmt.Errorf("export: %w", err)
		}
		if _, err := e.json.Write(e.line); err != nil {
			return fmt.Errorf("export: write: %w", err)
		}
		return nil
	}
	groups, err := json.Marshal(ev.Groups)
	if err != nil {
		return fmt.Errorf("export: groups: %w", err)
	}
	r := e.row
	r[0] = strconv.FormatInt(ev.Seq, 10)
	r[1] = ev.Time.UTC().Format(time.RFC3339Nano)
	r[2] = csvText(ev.RequestID)
	r[3] = csvText(ev.User)
	r[4] = csvText(string(groups))
	r[5] = csvText(ev.SourceIP)
	r[6] = csvText(ev.UserAgent)
	r[7] = csvText(ev.Action)
	r[8] = csvText(ev.Connection)
	r[9] = csvText(ev.Bucket)
	r[10] = csvText(ev.Key)
	r[11] = csvText(string(ev.Decision))
	r[12] = csvText(ev.Reason)
	r[13] = csvText(ev.Grant)
	r[14] = csvText(string(ev.Outcome))
	r[15] = csvText(ev.Error)
	r[16] = strconv.FormatInt(ev.Bytes, 10)
	r[17] = csvText(ev.ETag)
	r[18] = csvText(ev.Writer)
	r[19] = ev.PrevHash
	r[20] = ev.Hash
	if err := e.csv.Write(r); err != nil {
		return fmt.Errorf("export: write: %w", err)
	}
	return nil
}

func (e *encoder) flush() error {
	if e.csv == nil {
		return nil
	}
	e.csv.Flush()
	if err := e.csv.Error(); err != nil {
		return fmt.Errorf("export: write: %w", err)
	}
	return nil
}

// csvText defuses spreadsheet formulas (see FormatCSV).
func csvText(s string) string {
	if s != "" {
		switch s[0] {
		case '=', '+', '-', '@', '\t', '\r':
			return "'" + s
		}
	}
	return s
}
